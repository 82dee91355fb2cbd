using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using ErasWeb.Configuration;
using ErasWeb.Localisation;
using ErasWeb.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;

namespace ErasWeb.Admin;

/// <summary>
/// Who may use the admin features: a person signed in on the admin pages (a cookie, after typing
/// the token) or a script sending the token as <c>Authorization: Bearer</c>. Pages and API keep
/// separate schemes, so a page without the cookie is sent to sign in and an API call gets a 401.
/// </summary>
public static class AdminAuthentication
{
    public const string CookieScheme = "AdminCookie", BearerScheme = "AdminBearer";
    public const string PagesPolicy = "AdminPages", ApiPolicy = "AdminApi";
    public const string SignInPath = "/admin/signin";
    /// <summary>The rate limiting policy on sign-in attempts (its name is what a refusal says there were too many of).</summary>
    public const string SignInAttempts = "sign-in attempts";
    /// <summary>Sign-in attempts, and wrong Bearer tokens, one address may make a minute.</summary>
    public const int TriesPerMinute = 5;

    public static IServiceCollection AddAdminAuthentication(this IServiceCollection services)
    {
        // Guessing the admin token from one address: a handful of tries a minute, the form itself always shown.
        services.AddPostsPerAddressPolicy(SignInAttempts, _ => TriesPerMinute);
        services.AddSingleton<AdminTokenGuesses>();
        services.AddAuthentication()
            .AddCookie(CookieScheme, o =>
            {
                o.Cookie.Name = "erasweb_admin";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.LoginPath = SignInPath;
                o.LogoutPath = "/admin/signout";
                o.ExpireTimeSpan = TimeSpan.FromHours(8);
                o.SlidingExpiration = true;
                // A sign-in holds for the token it was made with: a new ERAS_ADMIN_TOKEN signs everyone out.
                o.Events.OnValidatePrincipal = context =>
                {
                    var options = context.HttpContext.RequestServices.GetRequiredService<IOptions<ErasOptions>>().Value;
                    if (context.Principal?.FindFirst(TokenClaim)?.Value != TokenFingerprint(options)) context.RejectPrincipal();
                    return Task.CompletedTask;
                };
            })
            .AddScheme<AuthenticationSchemeOptions, AdminBearerHandler>(BearerScheme, _ => { });
        services.AddAuthorizationBuilder()
            .AddPolicy(PagesPolicy, p => p.AddAuthenticationSchemes(CookieScheme).RequireAuthenticatedUser())
            .AddPolicy(ApiPolicy, p => p.AddAuthenticationSchemes(BearerScheme).RequireAuthenticatedUser());
        return services;
    }

    /// <summary>Whether <paramref name="candidate"/> is the configured token, in time that does not depend on where they differ.</summary>
    public static bool IsToken(ErasOptions options, string? candidate) =>
        options.AdminEnabled && candidate is not null
        && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(candidate)), SHA256.HashData(Encoding.UTF8.GetBytes(options.AdminToken)));

    const string TokenClaim = "erasweb:token";

    /// <summary>Names the token without revealing it: a hash, kept in the (encrypted) sign-in cookie.</summary>
    static string TokenFingerprint(ErasOptions options) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("erasweb-admin:" + options.AdminToken)))[..32];

    public static ClaimsPrincipal Principal(string scheme, ErasOptions options) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.Name, "admin"), new Claim(TokenClaim, TokenFingerprint(options))], scheme));
}

/// <summary>
/// <c>Authorization: Bearer TOKEN</c> for the admin API; without it or with a wrong one, a 401 problem. Wrong
/// tokens are counted per address (<see cref="AdminTokenGuesses"/>): past the limit, a 429 problem with Retry-After.
/// </summary>
public sealed class AdminBearerHandler(IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions, ILoggerFactory logger, UrlEncoder encoder,
    IOptions<ErasOptions> options, AdminTokenGuesses guesses, IProblemDetailsService problems) : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, logger, encoder)
{
    TimeSpan? refusedFor;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (header is null || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return AuthenticateResult.NoResult();
        bool right = AdminAuthentication.IsToken(options.Value, header["Bearer ".Length..].Trim());
        refusedFor = await guesses.RefusalAsync(Context, right, Context.RequestAborted);
        if (refusedFor is not null) return AuthenticateResult.Fail("Too many wrong admin tokens from this address.");
        if (right) return AuthenticateResult.Success(new AuthenticationTicket(AdminAuthentication.Principal(Scheme.Name, options.Value), Scheme.Name));
        Logger.LogWarning("Wrong admin token from {Address}", Context.Connection.RemoteIpAddress);
        return AuthenticateResult.Fail("Wrong admin token.");
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        await HandleAuthenticateOnceSafeAsync();
        if (refusedFor is { } retryAfter)
        {
            await RateLimiting.RefuseAsync(Context, AdminTokenGuesses.WrongTokens.Name, retryAfter);
            return;
        }
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = { Status = 401, Title = Texts.Say("Problem.AdminToken"), Detail = Texts.Say("Admin.SendToken") },
        });
    }
}
