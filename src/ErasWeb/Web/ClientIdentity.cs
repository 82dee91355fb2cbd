using System.Net;
using System.Net.Sockets;
using ErasWeb.Configuration;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace ErasWeb.Web;

/// <summary>
/// Who a request counts against, for every per-client rule alike (rate limits, wrong admin tokens, each
/// client's share of the job queue, one vote per address): its address as the trusted proxies, if any,
/// report it, in the one form all of them compare.
/// </summary>
public sealed class ClientIdentity
{
    /// <summary>
    /// The address after <see cref="ForwardedHeadersMiddleware"/>. An IPv6 client usually holds a
    /// whole /64, so it counts as one client rather than 2^64; an IPv4 client reached over IPv6 is its IPv4
    /// address; every loopback address (127.0.0.0/8, ::1) is this machine, so they count as one client
    /// (127.0.0.1) rather than sixteen million. Empty when the connection has no address.
    /// </summary>
    public string Of(HttpContext http) => http.Connection.RemoteIpAddress switch
    {
        null => "",
        { IsIPv4MappedToIPv6: true } mapped => Name(mapped.MapToIPv4()),
        var address => Name(address),
    };

    static string Name(IPAddress address) => address switch
    {
        _ when IPAddress.IsLoopback(address) => IPAddress.Loopback.ToString(),
        { AddressFamily: AddressFamily.InterNetworkV6 } v6 => new IPAddress([.. v6.GetAddressBytes()[..8], .. new byte[8]]) + "/64",
        _ => address.ToString(),
    };
}

public static class ClientIdentityServices
{
    /// <summary>The client identity, and the proxies whose X-Forwarded-For is believed when it is made.</summary>
    public static IServiceCollection AddClientIdentity(this IServiceCollection services)
    {
        services.AddSingleton<ClientIdentity>();
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ErasOptions>>((forwarded, eras) =>
        {
            // Only the configured proxies: by default X-Forwarded-For from loopback would be believed too,
            // and with both lists empty the middleware would believe anyone, so no proxy means no forwarding at all.
            var trusted = eras.Value.TrustedProxyNetworks;
            forwarded.ForwardedHeaders = trusted.Count > 0 ? ForwardedHeaders.XForwardedFor : ForwardedHeaders.None;
            forwarded.KnownIPNetworks.Clear();
            forwarded.KnownProxies.Clear();
            foreach (var network in trusted) forwarded.KnownIPNetworks.Add(network);
            // A chain of trusted proxies is walked back to the first address none of them is.
            forwarded.ForwardLimit = null;
        });
        return services;
    }
}
