using ErasWeb.Configuration;
using ErasWeb.Data;
using ErasWeb.Localisation;
using ErasWeb.Media;
using ErasWeb.Predictions;
using ErasWeb.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ErasWeb.Videos;

public static class VideoApi
{
    public static IEndpointRouteBuilder MapVideoApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/jobs/{id:long}", Get).WithTags("Videos").WithName("GetVideoJob")
            .WithSummary("A video job: status, progress 0-100 and, once done, the era, every sampled frame's answer, the timeline and, for a video read as a show, its sets.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        app.MapDelete("/api/jobs/{id:long}", Delete).WithTags("Videos").WithName("DeleteVideoJob")
            .WithSummary("Deletes an uploaded video, queued, running or done, with everything made from it (its prediction, frames and feedback): "
                + "send the delete_token its upload was answered with as X-Delete-Token. No such job and a wrong token get the same 404.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        app.MapGet("/api/predictions/{id:long}/frames/{index:int}/thumbnail", FrameThumbnail).WithTags("Videos").WithName("GetFrameThumbnail")
            .WithSummary("The thumbnail of one sampled frame of a video (JPEG).").ProducesJpeg();
        return app;
    }

    static async Task<Results<Ok<VideoJobResponse>, ProblemHttpResult>> Get(long id, ErasDb db, CancellationToken ct)
    {
        var job = await db.VideoJobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == id, ct);
        return job is not null && await VideoQueries.DescribeAsync(job, db, ct) is { } described
            ? TypedResults.Ok(described)
            : TypedResults.Problem(Texts.Say("Video.JobNotFound", id), statusCode: StatusCodes.Status404NotFound, title: Texts.Say("Problem.NotFound"));
    }

    static async Task<Results<NoContent, ProblemHttpResult>> Delete(long id, ErasDb db, WaitingUploads uploads,
        [FromHeader(Name = PredictionApi.DeleteTokenHeader)] string? token, CancellationToken ct) =>
        await db.DeleteUploadAsync(UploadRow.VideoJob, id, token, uploads.DeleteAsync, ct) ? TypedResults.NoContent() : PredictionApi.NoSuchUpload(Texts.Say("Upload.VideoJob", id));

    static async Task<Results<FileContentHttpResult, ProblemHttpResult>> FrameThumbnail(long id, int index, ErasDb db, HttpContext http, CancellationToken ct)
    {
        // Only a visible prediction's frames: the query filter leaves out hidden ones.
        var bytes = await db.VideoFrames.Where(f => f.PredictionId == id && f.Index == index && db.Predictions.Any(p => p.Id == id)).Select(f => f.Thumbnail).FirstOrDefaultAsync(ct);
        if (bytes is null)
            return TypedResults.Problem(Texts.Say("Video.NoSuchFrame", id, index), statusCode: StatusCodes.Status404NotFound, title: Texts.Say("Problem.NotFound"));
        // As every picture an uploader can delete: private and short, so a deletion takes effect in caches too.
        http.Response.Headers.CacheControl = PredictionApi.PictureCaching;
        return TypedResults.File(bytes, ImageEncoder.JpegContentType);
    }
}
