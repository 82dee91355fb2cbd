using ErasWeb.Admin;
using ErasWeb.Configuration;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace ErasWeb.Pages.Admin;

/// <summary>Signs the site's owner in with the admin token; attempts from one address are rate limited.</summary>
[EnableRateLimiting(AdminAuthentication.SignInAttempts)]
public sealed class SignInModel(IOptions<ErasOptions> options, ILogger<SignInModel> logger) : PageModel
{
    [BindProperty] public string? Token { get; set; }
    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }
    public bool Failed { get; private set; }

    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!AdminAuthentication.IsToken(options.Value, Token))
        {
            logger.LogWarning("Failed admin sign-in from {Address}", HttpContext.Connection.RemoteIpAddress);
            Failed = true;
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Page();
        }
        await HttpContext.SignInAsync(AdminAuthentication.CookieScheme, AdminAuthentication.Principal(AdminAuthentication.CookieScheme, options.Value));
        // Only back into the admin pages, never to another site.
        return LocalRedirect(ReturnUrl is { } url && Url.IsLocalUrl(url) && url.StartsWith("/admin", StringComparison.Ordinal) ? url : "/admin");
    }
}
