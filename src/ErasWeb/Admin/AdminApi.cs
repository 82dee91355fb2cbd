using System.ComponentModel;
using ErasWeb.Data;
using ErasWeb.Localisation;
using ErasWeb.Retraining;
using ErasWeb.Videos;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace ErasWeb.Admin;

/// <summary>An admin's verdict on fan feedback: the era to accept, if not the one most fans chose.</summary>
public sealed record AcceptRequest([property: Description("The era to accept as the truth; by default the one most fans chose.")] string? Era);

/// <summary>The admin API: review fan feedback, hide or delete predictions. Every call needs the admin token as a Bearer token (wrong ones are limited per address).</summary>
public static class AdminApi
{
    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/admin").WithTags("Admin").RequireAuthorization(AdminAuthentication.ApiPolicy)
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status429TooManyRequests).DisableAntiforgery();
        admin.MapGet("/feedback", List).WithName("ListFeedback")
            .WithSummary("Predictions fans voted on, by review status (pending by default), most recently voted on first.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        admin.MapPost("/feedback/{id:long}/accept", Accept).WithName("AcceptFeedback")
            .WithSummary("Accepts the fans' era, or the era given, as the truth: the picture becomes a training example.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        admin.MapPost("/feedback/{id:long}/reject", Reject).WithName("RejectFeedback")
            .WithSummary("Rejects the fans' answer: the picture is not used for training.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        admin.MapPost("/nights/{id:long}/accept", AcceptNight).WithName("AcceptNight")
            .WithSummary("Accepts a read night's decoded eras as training labels in one step (photos between sets are left out), each marked as coming from the night; "
                + "a night kept out of the gallery is its uploader's alone (409).")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        admin.MapPost("/predictions/{id:long}/hide", (long id, FeedbackReview review, CancellationToken ct) => SetHidden(id, true, review, ct)).WithName("HidePrediction")
            .WithSummary("Takes a prediction out of the gallery and the public API.").ProducesProblem(StatusCodes.Status404NotFound);
        admin.MapPost("/predictions/{id:long}/show", (long id, FeedbackReview review, CancellationToken ct) => SetHidden(id, false, review, ct)).WithName("ShowPrediction")
            .WithSummary("Puts a hidden prediction back.").ProducesProblem(StatusCodes.Status404NotFound);
        admin.MapPost("/model/retrain", Retrain).WithName("Retrain")
            .WithSummary("Retrains the era head on the base photos and every accepted label, as a job (202; follow its status_url); it is promoted only if the eval gate lets it.");
        admin.MapGet("/model/retrain/{id:long}", RetrainStatusOf).WithName("GetRetrain")
            .WithSummary("A retraining: status, progress 0-100, and the model version it made.").ProducesProblem(StatusCodes.Status404NotFound);
        admin.MapPost("/model/versions/{id:long}/activate", Activate).WithName("ActivateModelVersion")
            .WithSummary("Makes a model version the one answering uploads, at once: a promotion or a rollback.").ProducesProblem(StatusCodes.Status404NotFound);
        admin.MapPost("/gallery/rerun", Rerun).WithName("RerunGallery")
            .WithSummary("Answers the gallery's photos again with the active head, as a job (202; follow its status_url); earlier answers stay, each with its model version.");
        admin.MapGet("/gallery/rerun/{id:long}", RerunStatusOf).WithName("GetGalleryRerun")
            .WithSummary("A gallery re-run: status, photos done of the total, and the head version answering them.").ProducesProblem(StatusCodes.Status404NotFound);
        admin.MapGet("/dataset/export", Export).WithName("ExportDataset")
            .WithSummary("The pictures with accepted labels as a zip: <era>/<file>.jpg and a MANIFEST.tsv like the shared photos', for the train command.")
            .Produces(StatusCodes.Status200OK, typeof(Stream), "application/zip");
        admin.MapGet("/jobs/{id:long}", Job).WithName("GetVideoJobAsAdmin")
            .WithSummary("A video job as GET /api/jobs/{id} tells it, with the worker process (host:pid) running its latest attempt.").ProducesProblem(StatusCodes.Status404NotFound);
        admin.MapDelete("/predictions/{id:long}", Delete).WithName("DeletePrediction")
            .WithSummary("Deletes a prediction with its pictures, frames, votes and video job.").ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    static async Task<Results<Ok<IReadOnlyList<FeedbackItem>>, ProblemHttpResult>> List(FeedbackReview review, CancellationToken ct,
        [Description("pending (default), accepted or rejected; or flagged: decided items whose fans have since changed their verdict.")] string status = "pending",
        [Description("At most this many, 1-200.")] int limit = 50)
    {
        if (Vocabulary.Parse<ReviewQueue>(status) is not { } queue)
            return TypedResults.Problem(Texts.Say("Admin.InvalidStatus", string.Join(", ", Vocabulary.All<ReviewQueue>())), statusCode: StatusCodes.Status400BadRequest, title: Texts.Say("Problem.InvalidStatus"));
        if (limit is < 1 or > FeedbackReview.MaxPage)
            return TypedResults.Problem(Texts.Say("InvalidLimit", FeedbackReview.MaxPage), statusCode: StatusCodes.Status400BadRequest, title: Texts.Say("Problem.InvalidLimit"));
        return TypedResults.Ok(await review.ListAsync(queue, limit, ct));
    }

    static async Task<Results<Ok<FeedbackVerdict>, ProblemHttpResult>> Accept(long id, FeedbackReview review, CancellationToken ct, AcceptRequest? request = null)
    {
        // An era the answer could not have been is a 400, from the shared mapping (DomainProblems).
        return await review.AcceptAsync(id, request?.Era, ct) is { } item ? TypedResults.Ok(FeedbackVerdict.Of(item)) : NotFound(id);
    }

    static async Task<Results<Ok<NightLabels>, ProblemHttpResult>> AcceptNight(long id, FeedbackReview review, CancellationToken ct) =>
        await review.AcceptNightAsync(id, ct) is int accepted
            ? TypedResults.Ok(new NightLabels(id, accepted))
            : TypedResults.Problem(Texts.Say("Admin.NightNotFound", id), statusCode: StatusCodes.Status404NotFound, title: Texts.Say("Problem.NotFound"));

    static async Task<Results<Ok<FeedbackVerdict>, ProblemHttpResult>> Reject(long id, FeedbackReview review, CancellationToken ct) =>
        await review.RejectAsync(id, ct) is { } item ? TypedResults.Ok(FeedbackVerdict.Of(item)) : NotFound(id);

    static async Task<Results<NoContent, ProblemHttpResult>> SetHidden(long id, bool hidden, FeedbackReview review, CancellationToken ct) =>
        await review.SetHiddenAsync(id, hidden, ct) ? TypedResults.NoContent() : PredictionNotFound(id);

    static async Task<Results<Ok<VideoJobResponse>, ProblemHttpResult>> Job(long id, ErasDb db, CancellationToken ct)
    {
        var job = await db.VideoJobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == id, ct);
        return job is not null && await VideoQueries.DescribeAsync(job, db, ct) is { } described
            ? TypedResults.Ok(described with { Worker = job.Worker })
            : TypedResults.Problem(Texts.Say("Admin.JobNotFound", id), statusCode: StatusCodes.Status404NotFound, title: Texts.Say("Problem.NotFound"));
    }

    static async Task<Results<NoContent, ProblemHttpResult>> Delete(long id, FeedbackReview review, CancellationToken ct) =>
        await review.DeleteAsync(id, ct) ? TypedResults.NoContent() : PredictionNotFound(id);

    static async Task<Accepted<RetrainResponse>> Retrain(RetrainScheduler scheduler, CancellationToken ct)
    {
        var run = RetrainResponse.Of(await scheduler.StartAsync("admin", ct));
        return TypedResults.Accepted(run.StatusUrl, run);
    }

    static async Task<Accepted<GalleryRerunResponse>> Rerun(GalleryRerunScheduler scheduler, CancellationToken ct)
    {
        var run = GalleryRerunResponse.Of(await scheduler.StartAsync(ct));
        return TypedResults.Accepted(run.StatusUrl, run);
    }

    static async Task<Results<Ok<GalleryRerunResponse>, ProblemHttpResult>> RerunStatusOf(long id, ErasDb db, CancellationToken ct) =>
        await db.GalleryReruns.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, ct) is { } run
            ? TypedResults.Ok(GalleryRerunResponse.Of(run))
            : TypedResults.Problem(Texts.Say("Admin.RerunNotFound", id), statusCode: StatusCodes.Status404NotFound, title: Texts.Say("Problem.NotFound"));

    static async Task<Results<Ok<RetrainResponse>, ProblemHttpResult>> RetrainStatusOf(long id, ErasDb db, CancellationToken ct) =>
        await db.RetrainRuns.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, ct) is { } run
            ? TypedResults.Ok(RetrainResponse.Of(run))
            : TypedResults.Problem(Texts.Say("Admin.RetrainingNotFound", id), statusCode: StatusCodes.Status404NotFound, title: Texts.Say("Problem.NotFound"));

    static async Task<Results<Ok<ModelVersionResponse>, ProblemHttpResult>> Activate(long id, ModelVersions versions, ErasDb db, CancellationToken ct) =>
        await versions.ActivateAsync(id, ct)
            ? TypedResults.Ok(ModelVersionResponse.Of(await db.ModelVersions.AsNoTracking().FirstAsync(v => v.Id == id, ct)))
            : TypedResults.Problem(Texts.Say("Admin.VersionNotFound", id), statusCode: StatusCodes.Status404NotFound, title: Texts.Say("Problem.NotFound"));

    static async Task<FileStreamHttpResult> Export(ErasDb db, CancellationToken ct)
    {
        // Built in a temporary file that goes away when the response is done: any number of pictures, little memory.
        var zip = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        try
        {
            await DatasetExport.WriteZipAsync(db, zip, ct);
            zip.Position = 0;
            return TypedResults.File(zip, "application/zip", $"erasweb-dataset-{DateTime.UtcNow:yyyyMMdd-HHmmss}.zip");
        }
        catch
        {
            await zip.DisposeAsync();
            throw;
        }
    }

    static ProblemHttpResult NotFound(long id) =>
        TypedResults.Problem(Texts.Say("Admin.FeedbackNotFound", id), statusCode: StatusCodes.Status404NotFound, title: Texts.Say("Problem.NotFound"));

    static ProblemHttpResult PredictionNotFound(long id) =>
        TypedResults.Problem(Texts.Say("Prediction.NotFound", id), statusCode: StatusCodes.Status404NotFound, title: Texts.Say("Problem.NotFound"));
}

/// <summary>A night's eras accepted as labels: how many photos became training examples.</summary>
public sealed record NightLabels(long NightId, int Accepted);

/// <summary>A feedback item after an admin's verdict.</summary>
public sealed record FeedbackVerdict(long Id, long PredictionId, string Status, string? Label)
{
    public static FeedbackVerdict Of(Feedback f) => new(f.Id, f.PredictionId, f.Status.Text(), f.Label);
}
