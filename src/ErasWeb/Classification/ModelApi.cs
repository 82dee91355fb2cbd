using Microsoft.AspNetCore.Http.HttpResults;

namespace ErasWeb.Classification;

public static class ModelApi
{
    public static IEndpointRouteBuilder MapModelApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/model", Describe).WithTags("Model").WithName("GetModel")
            .WithSummary("The model in use: its version, labels, how it explains and when it says it is uncertain, and for the built-in head its training support per era and cross-validated scores.")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    static Results<Ok<ModelCard>, ProblemHttpResult> Describe(ModelHost host) =>
        host.Model is { } model
            ? TypedResults.Ok(model.Card)
            : TypedResults.Problem("The model is still loading; try again in a few seconds.", statusCode: StatusCodes.Status503ServiceUnavailable, title: "Model loading");
}
