using System.Threading.RateLimiting;
using ErasWeb.Web;

namespace ErasWeb.Admin;

/// <summary>
/// Wrong admin tokens sent as <c>Authorization: Bearer</c>, counted per client address: as many a minute as
/// sign-in attempts. Only wrong ones count, so a script with the right token is never held back by its own
/// calls. Once an address has used its tries, the right token is refused too until its window ends: were it let
/// through, a refusal for a wrong guess and a success for the right one would let a guesser go on for ever.
/// </summary>
public sealed class AdminTokenGuesses(ClientIdentity clients) : IDisposable
{
    static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    readonly PartitionedRateLimiter<string> wrongTokens =
        PartitionedRateLimiter.Create<string, string>(address => RateLimiting.FixedWindow(address, AdminAuthentication.TriesPerMinute, Window));

    /// <summary>Null if the client may try its token now (a wrong one then takes one of its tries); else how long until it may.</summary>
    public TimeSpan? Refusal(HttpContext http, bool rightToken)
    {
        // Asking for no permit only looks whether any is left.
        using var lease = wrongTokens.AttemptAcquire(clients.Of(http), rightToken ? 0 : 1);
        return lease.IsAcquired ? null : RateLimiting.RetryAfter(lease, Window);
    }

    public void Dispose() => wrongTokens.Dispose();
}
