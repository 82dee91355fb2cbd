using ErasWeb.Admin;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace ErasWeb.ApiDescription;

/// <summary>
/// The OpenAPI document at <c>/openapi/v1.json</c>, made so that standard tools accept it (Redocly's
/// linter with its recommended rules, and clients generated from it; see tools/openapi): who may call
/// each operation, a server URL without a trailing slash, the licence, what each tag groups, and
/// <c>null</c> said once where a property may be absent.
/// </summary>
public static class ApiDescriptionServices
{
    /// <summary>The name of the security scheme the admin API's operations require.</summary>
    public const string AdminTokenScheme = "AdminToken";

    /// <summary>The repository grants no licence: until it does, the document says so rather than name one.</summary>
    const string Licence = "All rights reserved (no licence granted)";

    static readonly Dictionary<string, string> TagDescriptions = new()
    {
        ["Compatibility"] = "Calls kept as the first version of the API answered them.",
        ["Predictions"] = "Uploads of a photo or video, the answers kept for them, their pictures, and what fans say of them.",
        ["Videos"] = "Video jobs: their progress, results and sampled frames.",
        ["Nights"] = "A night of photos read together with that night's set order, and its sorted download.",
        ["Model"] = "The model answering uploads, and its versions.",
        ["Admin"] = "The site admin's calls, with the admin token as 'Authorization: Bearer'.",
    };

    public static IServiceCollection AddApiDescription(this IServiceCollection services) => services.AddOpenApi(o =>
    {
        o.AddSchemaTransformer(MarkNullableObjects);
        o.AddOperationTransformer(DeclareWhoMayCall);
        o.AddDocumentTransformer(DescribeTheDocument);
    });

    /// <summary>
    /// The generator marks nullable strings but not a nullable object, which the answer then sends as
    /// null. A type kept as a component it already offers as one of null or the component; that
    /// component is made non-null again in <see cref="DescribeTheDocument"/>.
    /// </summary>
    static Task MarkNullableObjects(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken ct)
    {
        if (context.JsonPropertyInfo is { IsGetNullable: true } && schema.Type == JsonSchemaType.Object)
            schema.Type |= JsonSchemaType.Null;
        return Task.CompletedTask;
    }

    /// <summary>
    /// Security per operation, from the endpoint's own authorization: the admin API's policy needs the
    /// Bearer token; an operation without authorization says so with an empty requirement (anyone).
    /// </summary>
    static Task DeclareWhoMayCall(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        var policies = metadata.OfType<IAllowAnonymous>().Any() ? [] : metadata.OfType<IAuthorizeData>().Select(a => a.Policy).ToList();
        if (policies.Count == 0)
        {
            operation.Security = [new OpenApiSecurityRequirement()];
            return Task.CompletedTask;
        }
        if (policies.Any(p => p != AdminAuthentication.ApiPolicy))
            throw new InvalidOperationException($"{context.Description.RelativePath} requires a policy the API description cannot describe: {string.Join(", ", policies)}.");
        var document = context.Document!;
        document.AddComponent<IOpenApiSecurityScheme>(AdminTokenScheme, new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "The admin token (ERAS_ADMIN_TOKEN). Without it or with a wrong one, 401; too many wrong tokens from one address, 429.",
        });
        operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(AdminTokenScheme, document)] = [] }];
        return Task.CompletedTask;
    }

    static Task DescribeTheDocument(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken ct)
    {
        document.Info.License = new OpenApiLicense { Name = Licence };
        // The generator writes the request's base URL, whose trailing slash would double every path's own.
        foreach (var server in document.Servers ?? [])
            server.Url = server.Url?.TrimEnd('/') is { Length: > 0 } url ? url : "/";
        foreach (var tag in document.Tags ?? new HashSet<OpenApiTag>())
            tag.Description ??= TagDescriptions.GetValueOrDefault(tag.Name ?? "");
        // Null belongs where a component is used (there as one of null or the component), not to the component itself,
        // or the two alternatives would both accept null.
        foreach (var schema in document.Components?.Schemas?.Values.OfType<OpenApiSchema>() ?? [])
            if (schema.Type is { } type && type.HasFlag(JsonSchemaType.Object))
                schema.Type = type & ~JsonSchemaType.Null;
        return Task.CompletedTask;
    }
}
