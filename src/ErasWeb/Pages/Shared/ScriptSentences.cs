using System.Text.Json;
using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Mvc.Localization;

namespace ErasWeb.Pages.Shared;

/// <summary>The sentences a page's script says, in the reader's language, handed over the one way every page does it.</summary>
public static class ScriptSentences
{
    /// <summary>
    /// A JSON data block (never run, so the content security policy has nothing to allow) of the "Js."
    /// keys' sentences, named without the prefix. Their {name} placeholders are the script's to fill,
    /// so they are read with GetString, which formats nothing.
    /// </summary>
    public static IHtmlContent ScriptTexts(this IViewLocalizer localizer, string id, params string[] keys)
    {
        // System.Text.Json escapes <, > and & itself, so no sentence can close the block.
        var json = JsonSerializer.Serialize(keys.ToDictionary(key => key["Js.".Length..], key => localizer.GetString(key).Value));
        return new HtmlString($"<script type=\"application/json\" id=\"{id}\">{json}</script>");
    }

    /// <summary>A progress sentence with its {percent} filled as the script fills it later, for the page's first look.</summary>
    public static string WithPercent(this IViewLocalizer localizer, string key, int progress) =>
        localizer.GetString(key).Value.Replace("{percent}", Percent.Of(progress / 100f));
}
