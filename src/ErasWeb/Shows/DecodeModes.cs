namespace ErasWeb.Shows;

/// <summary>Whether a video is read as a show: <c>auto</c> (when it is long enough), <c>show</c> (always) or <c>free</c> (never: frames on their own).</summary>
public static class DecodeModes
{
    public const string Auto = "auto", Show = "show", Free = "free";

    /// <summary>The mode a request asked for (none is <c>auto</c>), or null when it names none of them.</summary>
    public static string? Parse(string? value) => value switch
    {
        null or "" or Auto => Auto,
        Show or Free => value,
        _ => null,
    };
}
