using System.Globalization;

namespace ErasWeb.Pages.Shared;

public static class Percent
{
    /// <summary>A probability as the reader writes a percentage: "87%" in English, "87 %" in French or German.</summary>
    public static string Of(float probability, int decimals = 0) =>
        probability.ToString("P" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.CurrentCulture);

    /// <summary>A probability as CSS reads a width, whatever the reader's language: "87.5%".</summary>
    public static string Css(float probability) =>
        (probability * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%";
}
