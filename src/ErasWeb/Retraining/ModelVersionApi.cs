using ErasWeb.Data;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ErasWeb.Retraining;

public static class ModelVersionApi
{
    public static IEndpointRouteBuilder MapModelVersionApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/model/versions", async (ModelVersions versions, CancellationToken ct) => TypedResults.Ok(await versions.ListAsync(ct)))
            .WithTags("Model").WithName("ListModelVersions")
            .WithSummary("The era heads retraining made, newest first: status (active, candidate, rejected, retired), held-out scores against the head they were measured with, and the gate's verdict.");
        return app;
    }
}

/// <summary>A retraining as the admin API follows it.</summary>
public sealed record RetrainResponse(long Id, string Status, int Progress, string Trigger, string? Error, long? ModelVersionId, string StatusUrl, DateTime CreatedAt, DateTime? FinishedAt)
{
    public static RetrainResponse Of(Data.RetrainRun r) => new(r.Id, r.Status.Text(), r.Progress, r.Trigger, r.Error, r.ModelVersionId, $"/api/admin/model/retrain/{r.Id}",
        DateTime.SpecifyKind(r.CreatedAtUtc, DateTimeKind.Utc), r.FinishedAtUtc is { } at ? DateTime.SpecifyKind(at, DateTimeKind.Utc) : null);
}
