using System.Globalization;
using ErasWeb.Classification;

namespace ErasWeb.Tests.Localisation;

/// <summary>A stored reason (English, as the API answers it) is said again in the reader's language: reworded in one place, it must still be recognised.</summary>
public class UncertainReasonsTests
{
    [Theory]
    [InlineData("en")]
    [InlineData("ja")]
    [InlineData("de")]
    public void Each_stored_reason_reads_in_the_readers_language_with_its_numbers(string language)
    {
        var before = CultureInfo.CurrentUICulture;
        var beforeFormat = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentUICulture = CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo(language);
            string low = UncertainReasons.LowConfidence(0.41f, 0.6f), unfamiliar = UncertainReasons.Unfamiliar();
            if (language == "en")
            {
                Assert.Equal((low, unfamiliar), (UncertainReasons.ForReader(low), UncertainReasons.ForReader(unfamiliar)));
                return;
            }
            Assert.NotEqual(low, UncertainReasons.ForReader(low));
            Assert.Contains(0.41.ToString("P0", CultureInfo.CurrentCulture), UncertainReasons.ForReader(low));
            Assert.Contains(0.6.ToString("P0", CultureInfo.CurrentCulture), UncertainReasons.ForReader(low));
            Assert.NotEqual(unfamiliar, UncertainReasons.ForReader(unfamiliar));
        }
        finally
        {
            (CultureInfo.CurrentUICulture, CultureInfo.CurrentCulture) = (before, beforeFormat);
        }
    }
}
