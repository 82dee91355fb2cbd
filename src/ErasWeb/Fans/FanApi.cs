using System.ComponentModel;
using ErasWeb.Data;
using ErasWeb.Localisation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace ErasWeb.Fans;

/// <summary>A fan's answer to "Is this right?": the era the photo or video really shows.</summary>
public sealed record FeedbackRequest([property: Description("One of the ten eras; the model's own answer means \"yes, that is right\".")] string Era);

/// <summary>What fans say of a prediction after a vote: every era chosen with its count, and the one most chose.</summary>
public sealed record FeedbackResponse(long PredictionId, string? YourVote, string? FanEra, int FanEraVotes, int TotalVotes, IReadOnlyDictionary<string, int> Votes)
{
    public static FeedbackResponse Of(Feedback f, string? yourVote) => new(f.PredictionId, yourVote, f.FanEra, f.FanEraVotes, f.TotalVotes, f.Votes);
}

public static class FanApi
{
    /// <summary>The rate limiting policy on votes: a fan answers a handful of photos a minute, a script flooding them does not get through.</summary>
    public const string Votes = "votes";

    public static IEndpointRouteBuilder MapFanApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/predictions/{id:long}/feedback", Vote).WithTags("Predictions").WithName("GiveFeedback")
            .WithSummary("Says whether an answer is right: the era the photo or video really shows. One vote per client and prediction; a second one replaces the first.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status429TooManyRequests)
            .RequireRateLimiting(Votes)
            .DisableAntiforgery(); // for scripts and apps; the result pages post through their own antiforgery-checked form
        app.MapGet("/api/predictions/{id:long}/feedback", Get).WithTags("Predictions").WithName("GetFeedback")
            .WithSummary("What fans have said of an answer.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    static async Task<Results<Created<FeedbackResponse>, ProblemHttpResult>> Vote(long id, FeedbackRequest request, FanFeedbackService fans, Voters voters, HttpContext http, CancellationToken ct)
    {
        // An era the answer could not have been is a 400, from the shared mapping (DomainProblems).
        var feedback = await fans.VoteAsync(id, voters.Of(http, remember: false), request.Era ?? "", ct);
        return feedback is null ? NotFound(id) : TypedResults.Created($"/api/predictions/{id}/feedback", FeedbackResponse.Of(feedback, request.Era));
    }

    static async Task<Results<Ok<FeedbackResponse>, ProblemHttpResult>> Get(long id, ErasDb db, Voters voters, HttpContext http, CancellationToken ct)
    {
        var prediction = await db.Predictions.AsNoTracking().Where(p => p.Id == id).Select(p => new { p.Feedback }).FirstOrDefaultAsync(ct);
        if (prediction is null) return NotFound(id);
        var voter = voters.Of(http, remember: false);
        var yours = await db.FanVotes.Where(v => v.PredictionId == id && v.Voter == voter.Id).Select(v => v.Era).FirstOrDefaultAsync(ct);
        return TypedResults.Ok(prediction.Feedback is { } f ? FeedbackResponse.Of(f, yours) : new FeedbackResponse(id, null, null, 0, 0, new Dictionary<string, int>()));
    }

    static ProblemHttpResult NotFound(long id) =>
        TypedResults.Problem(Texts.Say("Prediction.NotFound", id), statusCode: StatusCodes.Status404NotFound, title: Texts.Say("Problem.NotFound"));
}
