namespace ErasWeb.Shows;

/// <summary>
/// Each era's colours for the pictures the app draws (share images), the same as the pages' palette in
/// site.css ("Era palettes"): <see cref="EraColours.Fill"/> is what the page calls --era, <see cref="EraColours.Ink"/> the text on it.
/// </summary>
public static class EraPalette
{
    /// <summary>"Not sure": the grey of an uncertain answer.</summary>
    public static readonly EraColours Uncertain = new("#9aa0a6", "#15171a");

    /// <summary>By era name, as the model and the tours name them.</summary>
    public static readonly IReadOnlyDictionary<string, EraColours> ByEra = new Dictionary<string, EraColours>
    {
        ["1989"] = new("#8fd3ff", "#0b1a2b"),
        ["Acoustic"] = new("#e7c38f", "#2b1d0b"),
        ["Fearless"] = new("#f3c623", "#2b2203"),
        ["Folkmore"] = new("#aebca4", "#1b2416"),
        ["Lover"] = new("#ff9fd0", "#3a0b25"),
        ["Midnights"] = new("#5566e0", "#ffffff"),
        ["Red"] = new("#c8102e", "#ffffff"),
        ["Reputation"] = new("#3b3b3b", "#c9f7a6"),
        ["Speak Now"] = new("#7b3fc4", "#ffffff"),
        ["TTPD"] = new("#ece6d8", "#222222"),
    };

    /// <summary>The site's own colours: the page background, a card, a line, the text, muted text and the accent.</summary>
    public static class Site
    {
        public const string Background = "#14111f", Card = "#211c33", Line = "#3a3156", Text = "#f4f0ff", Muted = "#b9b0d3", Accent = "#e9a6ff", AccentInk = "#1b1029";
    }

    /// <summary>An era's colours; an era a manifest's model names but the tour does not gets the accent.</summary>
    public static EraColours Of(string era) => ByEra.GetValueOrDefault(era) ?? new(Site.Accent, Site.AccentInk);
}

/// <summary>An era's fill and the ink written on it, as CSS hex colours.</summary>
public sealed record EraColours(string Fill, string Ink);
