namespace ErasWeb.Pages.Shared;

/// <summary>Each era's CSS class; its palette (site.css, "Era palettes") is used for badges, bars and timelines alike.</summary>
public static class EraStyle
{
    /// <summary>"era-speak-now" for "Speak Now": lower case, letters and digits, spaces as dashes.</summary>
    public static string Class(string era) =>
        "era-" + new string(era.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray());

    /// <summary>The class for a prediction's badge: grey when the model is not sure.</summary>
    public static string Badge(string era, string? uncertainReason) => uncertainReason is null ? $"badge {Class(era)}" : "badge uncertain";
}
