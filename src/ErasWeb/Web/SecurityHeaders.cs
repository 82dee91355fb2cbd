using ErasWeb.Configuration;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.Extensions.Options;

namespace ErasWeb.Web;

/// <summary>
/// What every answer tells the browser about itself (a strict Content-Security-Policy, no sniffing,
/// no framing, little referrer, no powerful features), and which other sites may call the JSON API.
/// </summary>
public static class SecurityHeaders
{
    /// <summary>The CORS policy of the JSON API: the origins in <see cref="ErasOptions.CorsOrigins"/>, none by default.</summary>
    public const string PartnerSites = "PartnerSites";

    /// <summary>
    /// Pages load their script and style from files only: no inline script, style or handler, so
    /// injected markup cannot run. Pictures may be data: or blob: (the upload page previews the
    /// chosen file through a blob: URL, a video too); nothing may frame the site.
    /// </summary>
    public static HeaderPolicyCollection Policy() => new HeaderPolicyCollection()
        .AddContentSecurityPolicy(csp =>
        {
            csp.AddDefaultSrc().Self();
            csp.AddImgSrc().Self().Data().Blob();
            csp.AddMediaSrc().Self().Blob();
            csp.AddObjectSrc().None();
            csp.AddBaseUri().Self();
            csp.AddFormAction().Self();
            csp.AddFrameAncestors().None();
        })
        .AddContentTypeOptionsNoSniff()
        .AddFrameOptionsDeny() // frame-ancestors for browsers that predate it
        .AddReferrerPolicyStrictOriginWhenCrossOrigin()
        .AddPermissionsPolicy(features =>
        {
            features.AddCamera().None();
            features.AddMicrophone().None();
            features.AddGeolocation().None();
            features.AddPayment().None();
            features.AddUsb().None();
            features.AddFullscreen().Self(); // the video preview's own button
        });

    /// <summary>
    /// The admin's job dashboard (Hangfire's own pages) runs inline script and style, so its policy
    /// allows those and nothing more; only the signed-in admin ever gets it.
    /// </summary>
    public static HeaderPolicyCollection DashboardPolicy() => Policy()
        .AddContentSecurityPolicy(csp =>
        {
            csp.AddDefaultSrc().Self();
            csp.AddScriptSrc().Self().UnsafeInline();
            csp.AddStyleSrc().Self().UnsafeInline();
            csp.AddImgSrc().Self().Data();
            csp.AddObjectSrc().None();
            csp.AddBaseUri().Self();
            csp.AddFormAction().Self();
            csp.AddFrameAncestors().None();
        });

    public static void AddPartnerSitesCors(this IServiceCollection services)
    {
        services.AddCors();
        // Read when first needed, from the validated options: an origin that is not one stops the start instead.
        services.AddOptions<CorsOptions>().Configure<IOptions<ErasOptions>>((cors, eras) => cors.AddPolicy(PartnerSites, policy => policy
            .WithOrigins([.. eras.Value.CorsOriginList])
            .WithMethods(HttpMethods.Get, HttpMethods.Post, HttpMethods.Delete)
            .AllowAnyHeader()
            .WithExposedHeaders("Location", "Retry-After")));
    }

    /// <summary>The JSON API a partner site's page may call; pages, pictures' pages and admin stay same-origin only.</summary>
    public static bool IsPartnerApi(PathString path) =>
        (path.StartsWithSegments("/api") && !path.StartsWithSegments("/api/admin")) || path.StartsWithSegments("/predict") || path.StartsWithSegments("/ping");
}
