using System.Diagnostics;
using System.Threading.RateLimiting;
using ErasWeb.Configuration;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace ErasWeb.Web;

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
    readonly ClientIdentity clients;
    readonly Limit? photos, videos, nights;

    sealed record Limit(PartitionedRateLimiter<string> Limiter, int Permits, TimeSpan Window, string Noun, string Per);

    public UploadRateLimiter(IOptions<ErasOptions> options, ClientIdentity clients)
    {
        this.clients = clients;
        photos = Create(options.Value.PhotosPerMinute, TimeSpan.FromMinutes(1), "photos", "a minute");
        videos = Create(options.Value.VideosPerHour, TimeSpan.FromHours(1), "videos", "an hour");
        nights = Create(options.Value.NightsPerHour, TimeSpan.FromHours(1), "nights", "an hour");
    }

    static Limit? Create(int permits, TimeSpan window, string noun, string per) => permits <= 0 ? null : new(
        PartitionedRateLimiter.Create<string, string>(address => RateLimiting.FixedWindow(address, permits, window)),
        permits, window, noun, per);

    /// <summary>Takes one upload of the kind from the client's allowance, or throws <see cref="TooManyUploadsException"/>.</summary>
    public void Admit(HttpContext http, bool isVideo) => Admit(http, isVideo ? videos : photos);

    /// <summary>Takes one night from the client's allowance, and one photo: a night of any size counts as one upload of photos.</summary>
    public void AdmitNight(HttpContext http)
    {
        Admit(http, nights);
        Admit(http, photos);
    }

    void Admit(HttpContext http, Limit? kind)
    {
        if (kind is not { } limit) return;
        using var lease = limit.Limiter.AttemptAcquire(clients.Of(http));
        if (lease.IsAcquired) return;
        var retryAfter = RateLimiting.RetryAfter(lease, limit.Window);
        throw new TooManyUploadsException(
            $"Too many {limit.Noun} from your address: at most {limit.Permits} {limit.Per}. Try again in {RateLimiting.Describe(retryAfter)}.", retryAfter);
    }

    public void Dispose()
    {
        photos?.Limiter.Dispose();
        videos?.Limiter.Dispose();
        nights?.Limiter.Dispose();
    }
}

/// <summary>
/// .NET's fixed window, whose refusals say how much of the client's window is left: the framework's own
/// say the whole window however late in it the client asks. It starts each new window itself (the
/// partitioned limiter's heartbeat asks it to), so it knows when the current one began.
/// </summary>
sealed class FixedWindowLimiter(int permits, TimeSpan window) : ReplenishingRateLimiter
{
    readonly FixedWindowRateLimiter counter = new(new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = window, QueueLimit = 0, AutoReplenishment = false });
    // Taken after the counter's own start: whenever this window is over, so is the counter's, and asking it to replenish then always does.
    long windowStart = Stopwatch.GetTimestamp();

    public override TimeSpan? IdleDuration => counter.IdleDuration;
    public override bool IsAutoReplenishing => false;
    public override TimeSpan ReplenishmentPeriod => window;
    public override RateLimiterStatistics? GetStatistics() => counter.GetStatistics();

    public override bool TryReplenish()
    {
        if (Stopwatch.GetElapsedTime(Volatile.Read(ref windowStart)) >= window)
        {
            counter.TryReplenish();
            Volatile.Write(ref windowStart, Stopwatch.GetTimestamp());
        }
        return true;
    }

    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        long start = Volatile.Read(ref windowStart);
        return WithTimeLeft(counter.AttemptAcquire(permitCount), start);
    }

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        long start = Volatile.Read(ref windowStart);
        return WithTimeLeft(await counter.AcquireAsync(permitCount, cancellationToken), start);
    }

    /// <summary>A refusal says when the window it was refused in ends (at once, if a new one began meanwhile).</summary>
    RateLimitLease WithTimeLeft(RateLimitLease lease, long start)
    {
        if (lease.IsAcquired) return lease;
        lease.Dispose();
        return new Refusal(window - Stopwatch.GetElapsedTime(start));
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) counter.Dispose();
    }

    protected override ValueTask DisposeAsyncCore() => counter.DisposeAsync();

    sealed class Refusal(TimeSpan retryAfter) : RateLimitLease
    {
        public override bool IsAcquired => false;
        public override IEnumerable<string> MetadataNames => [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = metadataName == MetadataName.RetryAfter.Name ? retryAfter : null;
            return metadata is not null;
        }
    }
}

/// <summary>The rate limits on votes and admin sign-in (endpoint policies), counted per <see cref="ClientIdentity"/>.</summary>
public static class RateLimiting
{
    public static IServiceCollection AddErasRateLimits(this IServiceCollection services)
    {
        services.AddClientIdentity();
        services.AddSingleton<UploadRateLimiter>();
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            // A policy's name says what it counts ("votes"): the refusal tells the client so.
            o.OnRejected = (context, _) => RefuseAsync(context.HttpContext, What(context.HttpContext), RetryAfter(context.Lease, TimeSpan.FromMinutes(1)));
        });
        return services;
    }

    /// <summary>
    /// A rate limiting policy, named for what it counts (<paramref name="name"/>, as in "Too many votes"), on the POSTs
    /// of the endpoints that ask for it: <paramref name="permitsPerMinute"/> per address (0: no limit); other methods are never held back.
    /// </summary>
    public static IServiceCollection AddPostsPerAddressPolicy(this IServiceCollection services, string name, Func<HttpContext, int> permitsPerMinute) =>
        services.Configure<RateLimiterOptions>(o => o.AddPolicy(name, http => PostsOnly(http, permitsPerMinute(http), TimeSpan.FromMinutes(1))));

    static RateLimitPartition<string> PostsOnly(HttpContext http, int permits, TimeSpan window) =>
        permits > 0 && HttpMethods.IsPost(http.Request.Method)
            ? FixedWindow(http.RequestServices.GetRequiredService<ClientIdentity>().Of(http), permits, window)
            : RateLimitPartition.GetNoLimiter("");

    /// <summary>A window of <paramref name="window"/> per address, from its first request on, whose refusals tell the time left in it.</summary>
    public static RateLimitPartition<string> FixedWindow(string address, int permits, TimeSpan window) =>
        RateLimitPartition.Get(address, _ => new FixedWindowLimiter(permits, window));

    internal static TimeSpan RetryAfter(RateLimitLease lease, TimeSpan window) =>
        lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : window;

    /// <summary>Whole seconds, at least 1: what Retry-After carries.</summary>
    public static int Seconds(TimeSpan retryAfter) => (int)Math.Max(1, Math.Ceiling(retryAfter.TotalSeconds));

    internal static string Describe(TimeSpan retryAfter) => Seconds(retryAfter) is var s && s == 1 ? "1 second" : $"{Seconds(retryAfter)} seconds";

    static string What(HttpContext http) => http.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName ?? "requests";

    /// <summary>
    /// 429 with Retry-After. API clients get problem JSON; pages get nothing here, so the status code
    /// pages show people the error page, which reads Retry-After.
    /// </summary>
    internal static async ValueTask RefuseAsync(HttpContext http, string what, TimeSpan retryAfter)
    {
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        http.Response.Headers.RetryAfter = Seconds(retryAfter).ToString();
        if (!ApiPaths.IsApi(http.Request.Path)) return;
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many requests",
                Detail = $"Too many {what} from your address. Try again in {Describe(retryAfter)}.",
            },
        });
    }
}
