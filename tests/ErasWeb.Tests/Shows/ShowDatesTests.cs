using System.Globalization;
using ErasWeb.Shows;

namespace ErasWeb.Tests.Shows;

/// <summary>A show's date and a photo's clock time as each of the site's languages writes them.</summary>
public class ShowDatesTests
{
    [Theory]
    [InlineData("en", "9 May 2024", "9 May 2024", "21:05")]
    [InlineData("es", "9 de mayo de 2024", "9 de mayo de 2024", "21:05")]
    [InlineData("de", "9. Mai 2024", "9. Mai 2024", "21:05")]
    [InlineData("fr", "9 mai 2024", "9 mai 2024", "21:05")]
    [InlineData("pl", "9 maja 2024", "9 maja 2024", "21:05")]
    [InlineData("ja", "2024年5月9日", "2024年5月9日", "21:05")]
    public void A_date_reads_as_the_culture_writes_a_long_date_without_its_weekday(string culture, string long_, string short_, string clock)
    {
        var before = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo(culture);
        try
        {
            Assert.Equal(long_, ShowDates.Long(new DateOnly(2024, 5, 9)));
            Assert.Equal(short_, ShowDates.Short(new DateOnly(2024, 5, 9)));
            Assert.Equal(clock, ShowDates.Clock(new DateTime(2024, 5, 9, 21, 5, 40)));
            Assert.Equal("", ShowDates.Clock(null));
        }
        finally
        {
            CultureInfo.CurrentCulture = before;
        }
    }

    [Fact]
    public void English_shortens_the_month_on_a_card()
    {
        var before = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("en");
        try
        {
            Assert.Equal("28 September 2024", ShowDates.Long(new DateOnly(2024, 9, 28)));
            Assert.Equal("28 Sep 2024", ShowDates.Short(new DateOnly(2024, 9, 28)));
        }
        finally
        {
            CultureInfo.CurrentCulture = before;
        }
    }
}
