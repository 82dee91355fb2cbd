using Microsoft.AspNetCore.Mvc.Localization;

namespace ErasWeb.Pages.Shared;

public static class StatusWords
{
    /// <summary>
    /// A stored status ("pending", "queued") as the reader's language says it, under the key <paramref name="prefix"/>
    /// and the status capitalised ("Queue.Pending"); a status with no words of its own is shown as stored.
    /// </summary>
    public static string Word(this IViewLocalizer localizer, string prefix, string status)
    {
        var said = localizer.GetString(prefix + (status.Length == 0 ? status : char.ToUpperInvariant(status[0]) + status[1..]));
        return said.ResourceNotFound ? status : said.Value;
    }
}
