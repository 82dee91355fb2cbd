using ErasWeb.Configuration;

namespace ErasWeb.Pages.Shared;

/// <summary>
/// What a page's shared link unfurls as (Open Graph and Twitter card tags, _LinkPreview.cshtml): its title, a
/// sentence, and the app's 1200x630 share image. Paths are the site's own; the tags carry them absolute.
/// </summary>
/// <param name="Unlisted">Opened with its key: kept out of search engines (noindex), while a friend's chat still shows the preview.</param>
public sealed record LinkPreview(string Title, string Description, string ImagePath, string ImageAlt, string PagePath, bool Unlisted)
{
    public const int ImageWidth = 1200, ImageHeight = 630;

    /// <summary>
    /// An absolute URL of a path on this site: from ERAS_PUBLIC_URL when it is set, else from the request's
    /// own scheme and host (right when the app is reached directly; behind a proxy, set ERAS_PUBLIC_URL).
    /// </summary>
    public static string Absolute(HttpRequest request, ErasOptions options, string path) =>
        (options.PublicUrl.Length > 0 ? options.PublicUrl.TrimEnd('/') : $"{request.Scheme}://{request.Host.ToUriComponent()}{request.PathBase.ToUriComponent()}") + path;
}
