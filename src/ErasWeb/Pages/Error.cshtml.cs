using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace ErasWeb.Pages;

/// <summary>What a person sees instead of a bare status code when a page is missing or fails.</summary>
[IgnoreAntiforgeryToken]
public sealed class ErrorModel : PageModel
{
    public string Title { get; private set; } = "";
    public string Explanation { get; private set; } = "";

    public void OnGet(int code) => Describe(code);
    public void OnPost(int code) => Describe(code);

    /// <summary>
    /// The page answers with the status it describes: reached by re-execution the status is already
    /// that, and asked for directly (/error/500) it must not say 200.
    /// </summary>
    void Describe(int code)
    {
        if (code is < 400 or > 599) code = StatusCodes.Status404NotFound;
        Response.StatusCode = code;
        (Title, Explanation) = Explain(code);
    }

    (string Title, string Explanation) Explain(int code) => code switch
    {
        404 => ("Not found", "There is nothing at this address. The prediction or video you are looking for may have a different number."),
        // The rate limiter set Retry-After on this same response before the error page was asked for.
        429 => ("Too many attempts", int.TryParse(Response.Headers.RetryAfter, out int seconds)
            ? $"You have sent a lot from this address in a short time. Wait {(seconds == 1 ? "1 second" : $"{seconds} seconds")}, then try again."
            : "Wait a minute, then try again."),
        >= 500 => ("Something went wrong", "ErasWeb hit an error it did not expect. It has been logged; please try again."),
        _ => ($"Error {code}", "This request could not be handled."),
    };
}
