using ErasWeb.Configuration;
using ErasWeb.Data;

namespace ErasWeb.Videos.Shows;

public static class ShowDecoding
{
    /// <summary>Whether a video of <paramref name="durationSeconds"/> asked to be decoded as <paramref name="mode"/> is read as a show.</summary>
    public static bool Applies(string mode, double durationSeconds, ErasOptions options) =>
        mode == DecodeModes.Show || (mode == DecodeModes.Auto && durationSeconds >= options.ShowDecodeMinMinutes * 60);
}
