namespace ErasWeb.Pages.Shared;

/// <summary>Each era's CSS class; its palette (site.css, "Era palettes") is used for badges, bars and timelines alike.</summary>
public static class EraStyle
{
    /// <summary>"era-speak-now" for "Speak Now": lower case, letters and digits, spaces as dashes.</summary>
    public static string Class(string era) =>
        "era-" + new string(era.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray());

    /// <summary>The classes of an era's badge.</summary>
    public static string Badge(string era) => $"badge {Class(era)}";
}
