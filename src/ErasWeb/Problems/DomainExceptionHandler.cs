using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace ErasWeb.Problems;

/// <summary>
/// Answers a domain failure that escapes an endpoint with RFC 7807 problem JSON, as
/// <see cref="DomainProblems"/> maps it. Anything else is left to the default handler (a 500), and
/// a request the client abandoned never gets here: the exception handler middleware answers 499 itself.
/// </summary>
public sealed class DomainExceptionHandler(IProblemDetailsService problemDetails) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        if (DomainProblems.From(exception) is not { } problem) return false;
        problem.ApplyTo(http.Response);
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new ProblemDetails { Status = problem.Status, Title = problem.Title, Detail = problem.Detail },
            Exception = exception,
        });
    }
}
