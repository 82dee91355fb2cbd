using ErasWeb.Web;

namespace ErasWeb.Admin;

/// <summary>
/// Wrong admin tokens sent as <c>Authorization: Bearer</c>, counted per client address: as many a minute as
/// sign-in attempts. Only wrong ones count, so a script with the right token is never held back by its own
/// calls. Once an address has used its tries, the right token is refused too until its window ends: were it let
/// through, a refusal for a wrong guess and a success for the right one would let a guesser go on for ever.
/// </summary>
public sealed class AdminTokenGuesses(ClientIdentity clients, RequestWindows windows)
{
    /// <summary>What a refusal says there were too many of.</summary>
    public static readonly RequestLimit WrongTokens = new("wrong admin tokens", AdminAuthentication.TriesPerMinute, TimeSpan.FromMinutes(1));

    /// <summary>Null if the client may try its token now (a wrong one then takes one of its tries); else how long until it may.</summary>
    public ValueTask<TimeSpan?> RefusalAsync(HttpContext http, bool rightToken, CancellationToken ct) =>
        windows.CountAsync(WrongTokens, clients.Of(http), rightToken ? 0 : 1, ct); // counting none only looks whether any is left
}
