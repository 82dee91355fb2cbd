using ErasWeb.Configuration;
using Microsoft.Extensions.Options;

namespace ErasWeb.Web;

/// <summary>
/// Health and metrics are for orchestrators and monitoring, not visitors. With ERAS_MANAGEMENT_URLS set they
/// are answered on those ports alone, and those ports answer nothing else. A request is told apart by the
/// port its connection came in on: the Host header, which RequireHost reads, is the client's to write.
/// </summary>
public static class ManagementPorts
{
    static bool IsManagementPath(PathString path) => path.StartsWithSegments("/health") || path.StartsWithSegments("/metrics");

    /// <summary>Answers 404 to what this process does not serve on the port asked: a worker serves only health and metrics.</summary>
    public static IApplicationBuilder UseManagementPorts(this IApplicationBuilder app) => app.Use(next =>
    {
        // Built when the server starts, after the options were validated.
        var options = app.ApplicationServices.GetRequiredService<IOptions<ErasOptions>>().Value;
        var ports = options.ManagementPorts;
        return context =>
        {
            bool management = IsManagementPath(context.Request.Path);
            bool served = ports.Count == 0 ? management || options.ServesWeb
                : ports.Contains(context.Connection.LocalPort) ? management
                : !management && options.ServesWeb;
            if (served) return next(context);
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        };
    });
}
