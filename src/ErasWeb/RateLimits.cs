using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using ErasWeb.Admin;
using ErasWeb.Configuration;
using ErasWeb.Fans;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace ErasWeb;

/// <summary>Who a request counts against: its client address, as the trusted proxies (if any) report it.</summary>
public static class ClientAddress
{
    /// <summary>
    /// The address after <see cref="ForwardedHeadersMiddleware"/>. An IPv6 client usually holds a
    /// whole /64, so it counts as one client rather than 2^64.
    /// </summary>
    public static string Of(HttpContext http) => http.Connection.RemoteIpAddress switch
    {
        null => "",
        { IsIPv4MappedToIPv6: true } mapped => mapped.MapToIPv4().ToString(),
        { AddressFamily: AddressFamily.InterNetworkV6 } v6 => new IPAddress([.. v6.GetAddressBytes()[..8], .. new byte[8]]) + "/64",
        var address => address.ToString(),
    };
}

/// <summary>An upload over its client's photo or video rate limit.</summary>
public sealed class TooManyUploadsException(string message, TimeSpan retryAfter) : Exception(message)
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}

/// <summary>
/// Photos and videos both arrive at the same doors (<c>POST /predict</c>, the upload page), and
/// which one it is shows only in its first bytes, so these limits cannot be endpoint policies:
/// the upload reader asks <see cref="Admit"/> once it has sniffed the file, before reading the rest.
/// </summary>
public sealed class UploadRateLimiter : IDisposable
{
    readonly Limit? photos, videos;

    sealed record Limit(PartitionedRateLimiter<string> Limiter, int Permits, TimeSpan Window, string Noun, string Per);

    public UploadRateLimiter(IOptions<ErasOptions> options)
    {
        photos = Create(options.Value.PhotosPerMinute, TimeSpan.FromMinutes(1), "photos", "a minute");
        videos = Create(options.Value.VideosPerHour, TimeSpan.FromHours(1), "videos", "an hour");
    }

    static Limit? Create(int permits, TimeSpan window, string noun, string per) => permits <= 0 ? null : new(
        PartitionedRateLimiter.Create<string, string>(address => RateLimiting.FixedWindow(address, permits, window)),
        permits, window, noun, per);

    /// <summary>Takes one upload of the kind from the client's allowance, or throws <see cref="TooManyUploadsException"/>.</summary>
    public void Admit(HttpContext http, bool isVideo)
    {
        if ((isVideo ? videos : photos) is not { } limit) return;
        using var lease = limit.Limiter.AttemptAcquire(ClientAddress.Of(http));
        if (lease.IsAcquired) return;
        var retryAfter = RateLimiting.RetryAfter(lease, limit.Window);
        throw new TooManyUploadsException(
            $"Too many {limit.Noun} from your address: at most {limit.Permits} {limit.Per}. Try again in {RateLimiting.Describe(retryAfter)}.", retryAfter);
    }

    public void Dispose()
    {
        photos?.Limiter.Dispose();
        videos?.Limiter.Dispose();
    }
}

/// <summary>The rate limits on votes and admin sign-in (endpoint policies), and the proxies whose X-Forwarded-For is believed.</summary>
public static class RateLimiting
{
    public static IServiceCollection AddErasRateLimits(this IServiceCollection services)
    {
        services.AddSingleton<UploadRateLimiter>();
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

        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            // Guessing the admin token from one address: a handful of tries a minute, the form itself always shown.
            o.AddPolicy(AdminAuthentication.SignInAttempts, http => PostsOnly(http, 5, TimeSpan.FromMinutes(1)));
            o.AddPolicy(FanApi.Votes, http => PostsOnly(http, http.RequestServices.GetRequiredService<IOptions<ErasOptions>>().Value.VotesPerMinute, TimeSpan.FromMinutes(1)));
            o.OnRejected = OnRejectedAsync;
        });
        return services;
    }

    static RateLimitPartition<string> PostsOnly(HttpContext http, int permits, TimeSpan window) =>
        permits > 0 && HttpMethods.IsPost(http.Request.Method)
            ? FixedWindow(ClientAddress.Of(http), permits, window)
            : RateLimitPartition.GetNoLimiter("");

    internal static RateLimitPartition<string> FixedWindow(string address, int permits, TimeSpan window) =>
        RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = window, QueueLimit = 0 });

    internal static TimeSpan RetryAfter(RateLimitLease lease, TimeSpan window) =>
        lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : window;

    /// <summary>Whole seconds, at least 1: what Retry-After carries.</summary>
    public static int Seconds(TimeSpan retryAfter) => (int)Math.Max(1, Math.Ceiling(retryAfter.TotalSeconds));

    internal static string Describe(TimeSpan retryAfter) => Seconds(retryAfter) is var s && s == 1 ? "1 second" : $"{Seconds(retryAfter)} seconds";

    static string What(HttpContext http) => http.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName switch
    {
        FanApi.Votes => "votes",
        AdminAuthentication.SignInAttempts => "sign-in attempts",
        _ => "requests",
    };

    /// <summary>
    /// API clients get problem JSON; pages get nothing here, so the status code pages show people
    /// the error page, which reads Retry-After.
    /// </summary>
    static async ValueTask OnRejectedAsync(OnRejectedContext context, CancellationToken ct)
    {
        var http = context.HttpContext;
        var retryAfter = RetryAfter(context.Lease, TimeSpan.FromMinutes(1));
        http.Response.Headers.RetryAfter = Seconds(retryAfter).ToString();
        if (!ErasApp.IsApi(http.Request.Path)) return;
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many requests",
                Detail = $"Too many {What(http)} from your address. Try again in {Describe(retryAfter)}.",
            },
        });
    }
}
