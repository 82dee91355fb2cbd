namespace ErasWeb.Web;

public static class ApiPaths
{
    /// <summary>Whether a request is for the API (answered with problem JSON) rather than for a page (shown an error page).</summary>
    public static bool IsApi(PathString path) =>
        path.StartsWithSegments("/api") || path.StartsWithSegments("/predict") || path.StartsWithSegments("/ping")
        || path.StartsWithSegments("/health") || path.StartsWithSegments("/openapi") || path.StartsWithSegments("/metrics");
}
