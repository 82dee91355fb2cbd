using System.Diagnostics;
using System.Threading.RateLimiting;
using ErasWeb.Configuration;
using ErasWeb.Localisation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection.Extensions;
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
/// the upload reader asks <see cref="AdmitAsync"/> once it has sniffed the file, before reading the rest.
/// </summary>
public sealed class UploadRateLimiter(IOptions<ErasOptions> options, ClientIdentity clients, RequestWindows windows)
{
    // Each limit's name also names its refusal's sentence in the texts ("TooMany.photos").
    readonly RequestLimit? photos = Create(options.Value.PhotosPerMinute, TimeSpan.FromMinutes(1), "photos");
    readonly RequestLimit? videos = Create(options.Value.VideosPerHour, TimeSpan.FromHours(1), "videos");
    readonly RequestLimit? nights = Create(options.Value.NightsPerHour, TimeSpan.FromHours(1), "nights");

    static RequestLimit? Create(int permits, TimeSpan window, string noun) => permits <= 0 ? null : new(noun, permits, window);

    /// <summary>Takes one upload of the kind from the client's allowance, or throws <see cref="TooManyUploadsException"/>.</summary>
    public Task AdmitAsync(HttpContext http, bool isVideo, CancellationToken ct) => AdmitAsync(http, isVideo ? videos : photos, ct);

    /// <summary>Takes one night from the client's allowance, then one photo: a night of any size counts as one upload of photos.</summary>
    public async Task AdmitNightAsync(HttpContext http, CancellationToken ct)
    {
        await AdmitAsync(http, nights, ct);
        await AdmitAsync(http, photos, ct);
    }

    async Task AdmitAsync(HttpContext http, RequestLimit? limit, CancellationToken ct)
    {
        if (limit is null) return;
        if (await windows.CountAsync(limit, clients.Of(http), 1, ct) is not { } retryAfter) return;
        throw new TooManyUploadsException(Texts.Say("TooMany." + limit.Name, limit.Permits, RateLimiting.Describe(retryAfter)), retryAfter);
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
}

/// <summary>A refusal that says how long until the client's window ends.</summary>
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

/// <summary>
/// One client's allowance under an endpoint policy, counted by <see cref="RequestWindows"/>, which may ask the database.
/// The rate limiting middleware tries <c>AttemptAcquire</c> first, which must not wait, and only when that is refused
/// <c>AcquireAsync</c>: so the first always refuses without counting, and the request is counted once, in the second.
/// </summary>
sealed class CountedLimiter(RequestWindows windows, RequestLimit limit, string client) : RateLimiter
{
    static readonly RateLimitLease NotCountedYet = new Lease(acquired: false), Admitted = new Lease(acquired: true);
    // Nothing is held here: an idle client's limiter is dropped by the partitioned limiter and made again when it returns.
    long lastUsed = Stopwatch.GetTimestamp();

    public override TimeSpan? IdleDuration => Stopwatch.GetElapsedTime(Volatile.Read(ref lastUsed));
    public override RateLimiterStatistics? GetStatistics() => null;

    protected override RateLimitLease AttemptAcquireCore(int permitCount) => NotCountedYet;

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        Volatile.Write(ref lastUsed, Stopwatch.GetTimestamp());
        return await windows.CountAsync(limit, client, permitCount, cancellationToken) is { } retryAfter ? new Refusal(retryAfter) : Admitted;
    }

    sealed class Lease(bool acquired) : RateLimitLease
    {
        public override bool IsAcquired => acquired;
        public override IEnumerable<string> MetadataNames => [];
        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }
    }
}

/// <summary>The rate limits on votes and admin sign-in (endpoint policies), counted per <see cref="ClientIdentity"/> in <see cref="RequestWindows"/>.</summary>
public static class RateLimiting
{
    public static IServiceCollection AddErasRateLimits(this IServiceCollection services)
    {
        services.AddClientIdentity();
        // Unless the storage has registered a counter that processes share.
        services.TryAddSingleton<RequestWindows, InMemoryRequestWindows>();
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
        services.Configure<RateLimiterOptions>(o => o.AddPolicy(name, http => PostsOnly(http, new RequestLimit(name, permitsPerMinute(http), TimeSpan.FromMinutes(1)))));

    static RateLimitPartition<string> PostsOnly(HttpContext http, RequestLimit limit) =>
        limit.Permits > 0 && HttpMethods.IsPost(http.Request.Method)
            ? Counted(http, limit, http.RequestServices.GetRequiredService<ClientIdentity>().Of(http))
            : RateLimitPartition.GetNoLimiter("");

    static RateLimitPartition<string> Counted(HttpContext http, RequestLimit limit, string client) =>
        RateLimitPartition.Get(client, _ => new CountedLimiter(http.RequestServices.GetRequiredService<RequestWindows>(), limit, client));

    /// <summary>A window of <paramref name="window"/> per address, from its first request on, whose refusals tell the time left in it (how one process counts).</summary>
    public static RateLimitPartition<string> FixedWindow(string address, int permits, TimeSpan window) =>
        RateLimitPartition.Get(address, _ => new FixedWindowLimiter(permits, window));

    internal static TimeSpan RetryAfter(RateLimitLease lease, TimeSpan window) =>
        lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : window;

    /// <summary>Whole seconds, at least 1: what Retry-After carries.</summary>
    public static int Seconds(TimeSpan retryAfter) => (int)Math.Max(1, Math.Ceiling(retryAfter.TotalSeconds));

    internal static string Describe(TimeSpan retryAfter) => Seconds(retryAfter) is var s && s == 1 ? Texts.Say("Wait.OneSecond") : Texts.Say("Wait.Seconds", s);

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
                Title = Texts.Say("Problem.TooManyRequests"),
                Detail = Texts.Say("TooMany." + what, Describe(retryAfter)),
            },
        });
    }
}
