using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Localization;

namespace ErasWeb.Localisation;

/// <summary>
/// The languages the site speaks: one for every country the tour played, or a common second language there.
/// A reader's language comes from the picker's cookie, else from the browser's Accept-Language, else English.
/// </summary>
public static class Languages
{
    public const string Default = "en";

    /// <summary>Each language's culture and its name in itself, as the picker lists it.</summary>
    public static readonly IReadOnlyList<(string Culture, string Name)> All =
    [
        ("en", "English"), ("es", "Español"), ("pt-BR", "Português (Brasil)"), ("fr", "Français"), ("de", "Deutsch"),
        ("it", "Italiano"), ("nl", "Nederlands"), ("pl", "Polski"), ("sv", "Svenska"), ("ja", "日本語"),
    ];

    public static IServiceCollection AddLanguages(this IServiceCollection services)
    {
        services.AddLocalization(o => o.ResourcesPath = Texts.ResourcesPath);
        // Pages carry every language's letters as they are, not as &#x..; escapes.
        services.AddWebEncoders(o => o.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));
        services.Configure<RequestLocalizationOptions>(o =>
        {
            o.DefaultRequestCulture = new RequestCulture(Default);
            o.SupportedCultures = o.SupportedUICultures = [.. All.Select(l => CultureInfo.GetCultureInfo(l.Culture))];
            // Portugal's "pt" or "pt-PT" reads Brazilian Portuguese far better than English: asked before Accept-Language's own match.
            o.RequestCultureProviders.Insert(o.RequestCultureProviders.Count - 1, new PortugueseProvider());
        });
        return services;
    }

    /// <summary>The picker's choice: remembered for a year in the request-culture cookie, then back to the page it was made on.</summary>
    public static void MapLanguagePicker(this IEndpointRouteBuilder app) =>
        app.MapGet("/language", (string? culture, string? back, HttpContext http) =>
        {
            if (culture is not null && All.Any(l => l.Culture == culture))
                http.Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName,
                    CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
                    new CookieOptions { MaxAge = TimeSpan.FromDays(365), IsEssential = true, HttpOnly = true, SameSite = SameSiteMode.Lax, Secure = http.Request.IsHttps });
            // Only back to a page of this site, as the framework judges it: never an open redirect.
            return TypedResults.LocalRedirect(RedirectHttpResult.IsLocalUrl(back) ? back! : "/");
        }).ExcludeFromDescription();

    /// <summary>
    /// The page a picker link sends back to: this one, with its query (an unlisted page's key included); on an
    /// error page, the address that failed, so the reader stays where they were.
    /// </summary>
    public static string PickerLink(string culture, HttpContext http)
    {
        var back = http.Features.Get<IStatusCodeReExecuteFeature>() is { } failed
            ? failed.OriginalPathBase + failed.OriginalPath + failed.OriginalQueryString
            : http.Request.PathBase + http.Request.Path + http.Request.QueryString;
        return $"/language?culture={Uri.EscapeDataString(culture)}&back={Uri.EscapeDataString(back)}";
    }

    /// <summary>A first choice of "pt" or "pt-PT" in Accept-Language, which the default provider cannot match to pt-BR, as Brazilian Portuguese.</summary>
    sealed class PortugueseProvider : RequestCultureProvider
    {
        public override Task<ProviderCultureResult?> DetermineProviderCultureResult(HttpContext httpContext)
        {
            var first = httpContext.Request.GetTypedHeaders().AcceptLanguage.OrderByDescending(l => l.Quality ?? 1).FirstOrDefault();
            return Task.FromResult(first?.Value.Value is { } language && language.StartsWith("pt", StringComparison.OrdinalIgnoreCase)
                ? new ProviderCultureResult("pt-BR") : null);
        }
    }
}
