using System.Globalization;
using System.Text.RegularExpressions;

namespace ErasWeb.Shows;

/// <summary>
/// How a show's date and a photo's clock time read for a person, in the current culture: the culture's
/// long date without its weekday ("9. Mai 2024", "2024年5月9日"). English keeps the site's day-month-year
/// and 24-hour clock ("9 May 2024", "21:05"), as the tour's dates are written on it.
/// </summary>
public static partial class ShowDates
{
    /// <summary>"9 May 2024", "9 de mayo de 2024", "2024年5月9日".</summary>
    public static string Long(DateOnly date) => date.ToString(LongPattern(CultureInfo.CurrentCulture), CultureInfo.CurrentCulture);

    /// <summary>As <see cref="Long"/>, with English's month shortened ("9 Sep 2024") where a card has little room.</summary>
    public static string Short(DateOnly date) =>
        date.ToString(IsEnglish(CultureInfo.CurrentCulture) ? "d MMM yyyy" : LongPattern(CultureInfo.CurrentCulture), CultureInfo.CurrentCulture);

    /// <summary>"21:05" from a capture time, or nothing.</summary>
    public static string Clock(DateTime? at) =>
        at?.ToString(IsEnglish(CultureInfo.CurrentCulture) ? "HH:mm" : "t", CultureInfo.CurrentCulture) ?? "";

    static string LongPattern(CultureInfo culture) =>
        IsEnglish(culture) ? "d MMMM yyyy" : Weekday().Replace(culture.DateTimeFormat.LongDatePattern, " ").Trim();

    /// <summary>English, or the invariant culture of work outside a request.</summary>
    static bool IsEnglish(CultureInfo culture) => culture.TwoLetterISOLanguageName is "en" or "iv";

    /// <summary>The weekday of a long date pattern, with the comma or space that parts it from the date.</summary>
    [GeneratedRegex(@"\s*,?\s*dddd\s*,?\s*")]
    private static partial Regex Weekday();
}
