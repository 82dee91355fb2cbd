using ErasWeb.Localisation;
using Microsoft.AspNetCore.WebUtilities;

namespace ErasWeb.Problems;

/// <summary>
/// The titles ASP.NET Core gives problems it writes itself (an unknown route's "Not Found", a wrong
/// method's "Method Not Allowed"), in the reader's language like ours.
/// </summary>
public static class StatusTitles
{
    const string ServerError = "An error occurred while processing your request.";

    public static void Localise(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        if (problem.Status is not int status) return;
        bool frameworks = problem.Title is null || problem.Title == ReasonPhrases.GetReasonPhrase(status) || problem.Title == ServerError;
        if (frameworks && Texts.Localizer[$"Status.{status}"] is { ResourceNotFound: false } title) problem.Title = title;
    }
}
