using Microsoft.AspNetCore.Http.HttpResults;

namespace ErasWeb.Classification;

public sealed record ModelDescription(
    string ModelVersion,
    IReadOnlyList<string> Labels,
    string Backbone,
    string BackboneSha256,
    string HeadVersion,
    string? HeadTrainedAt,
    IReadOnlyDictionary<string, int> TrainingSupport,
    EvaluationReport? CrossValidation);

public static class ModelApi
{
    public static IEndpointRouteBuilder MapModelApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/model", Describe).WithTags("Model").WithName("GetModel")
            .WithSummary("The labels, the backbone checksum, the era head's version and its cross-validated scores.");
        return app;
    }

    static Results<Ok<ModelDescription>, ProblemHttpResult> Describe(ModelHost host)
    {
        var spec = BackboneSpec.MobileNetV2Int8;
        if (host.Classifier is not { } classifier)
            return TypedResults.Problem("The model is still loading; try again in a few seconds.", statusCode: StatusCodes.Status503ServiceUnavailable, title: "Model loading");
        var head = classifier.Head;
        var provenance = head.File.Provenance;
        var support = head.Labels.ToDictionary(l => l, l => provenance?.Photos.Count(p => p.Class == l) ?? 0);
        return TypedResults.Ok(new ModelDescription(classifier.ModelVersion, head.Labels, spec.Name, spec.Sha256,
            head.Version, provenance?.TrainedAt, support, provenance?.CrossValidation));
    }
}
