using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace ErasWeb.Pages;

/// <summary>What a person sees instead of a bare status code when a page is missing or fails.</summary>
[IgnoreAntiforgeryToken]
public sealed class ErrorModel(IStringLocalizer<ErrorModel> text) : PageModel
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
        404 => (text["NotFoundTitle"], text["NotFound"]),
        // The rate limiter set Retry-After on this same response before the error page was asked for.
        429 => (text["TooManyTitle"], int.TryParse(Response.Headers.RetryAfter, out int seconds)
            ? text[seconds == 1 ? "TooManyWaitOne" : "TooManyWaitOther", seconds]
            : text["TooManyWaitAMinute"]),
        >= 500 => (text["FailedTitle"], text["Failed"]),
        _ => (text["OtherTitle", code], text["Other"]),
    };
}
