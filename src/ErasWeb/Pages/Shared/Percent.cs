using System.Globalization;

namespace ErasWeb.Pages.Shared;

public static class Percent
{
    /// <summary>"87%": a probability as people write it (the invariant culture's "P0" gives "87 %").</summary>
    public static string Of(float probability, string format = "0") =>
        (probability * 100).ToString(format, CultureInfo.InvariantCulture) + "%";
}
