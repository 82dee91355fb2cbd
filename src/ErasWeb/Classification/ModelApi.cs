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

    // Until the model has loaded, the shared mapping answers 503 with Retry-After.
    static Ok<ModelCard> Describe(ModelHost host) => TypedResults.Ok((host.Model ?? throw new ModelNotReadyException()).Card);
}
