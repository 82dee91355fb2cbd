namespace ErasWeb.Videos;

public static class ClientAddress
{
    /// <summary>
    /// The address a request came from, which bounds each client's share of the video queue;
    /// behind a trusted proxy the forwarded-headers middleware has already put the original one here.
    /// </summary>
    public static string? Of(HttpContext http) => http.Connection.RemoteIpAddress?.ToString();
}
