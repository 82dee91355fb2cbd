using Microsoft.AspNetCore.Mvc.Localization;
using Microsoft.Extensions.Localization;

namespace ErasWeb.Pages.Shared;

/// <summary>
/// A stored status ("pending", "queued") as the reader's language says it, under the key <c>prefix</c>
/// and the status capitalised ("Queue.Pending"); a status with no words of its own is shown as stored.
/// </summary>
public static class StatusWords
{
    public static string Word(this IViewLocalizer localizer, string prefix, string status) => Said(localizer.GetString(Key(prefix, status)), status);

    public static string Word(this IStringLocalizer localizer, string prefix, string status) => Said(localizer[Key(prefix, status)], status);

    static string Key(string prefix, string status) => prefix + (status.Length == 0 ? status : char.ToUpperInvariant(status[0]) + status[1..]);

    static string Said(LocalizedString said, string status) => said.ResourceNotFound ? status : said.Value;
}
