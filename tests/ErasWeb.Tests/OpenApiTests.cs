using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ErasWeb.Tests.Support;

namespace ErasWeb.Tests;

/// <summary>
/// The OpenAPI document at /openapi/v1.json says what the API really answers: every route with its
/// statuses and content types, and schemas whose property names and types are those of the JSON
/// the app sends (checked against real responses, not only read).
/// </summary>
public class OpenApiTests(AdminAppFixture app) : IClassFixture<AdminAppFixture>
{
    const string Json = "application/json", ProblemJson = "application/problem+json", Jpeg = "image/jpeg", Zip = "application/zip";

    /// <summary>Every operation and the statuses it answers with; a new route has to be documented to be added here.</summary>
    static readonly Dictionary<string, int[]> Operations = new()
    {
        ["GET /ping"] = [200],
        ["POST /predict"] = [200, 202, 400, 410, 413, 415, 422, 429, 503, 507],
        ["GET /api/predictions"] = [200, 400],
        ["GET /api/predictions/{id}"] = [200, 404],
        ["DELETE /api/predictions/{id}"] = [204, 404],
        ["GET /api/predictions/{id}/image"] = [200, 404],
        ["GET /api/predictions/{id}/thumbnail"] = [200, 404],
        ["GET /api/predictions/{id}/gradcam"] = [200, 404],
        ["GET /api/predictions/{id}/share-image"] = [200, 404],
        ["GET /api/predictions/{id}/frames/{index}/thumbnail"] = [200, 404],
        ["GET /api/jobs/{id}"] = [200, 404],
        ["DELETE /api/jobs/{id}"] = [204, 404],
        ["GET /api/admin/jobs/{id}"] = [200, 401, 404, 429],
        ["POST /api/admin/nights/{id}/accept"] = [200, 401, 404, 409, 429],
        ["POST /api/nights"] = [200, 202, 400, 413, 415, 429, 503, 507],
        ["GET /api/nights/{id}"] = [200, 404],
        ["GET /api/nights/{id}/download"] = [200, 404, 409],
        ["GET /api/nights/{id}/share-image"] = [200, 404, 409],
        ["DELETE /api/nights/{id}"] = [204, 404],
        ["GET /api/model"] = [200, 503],
        ["POST /api/predictions/{id}/feedback"] = [201, 400, 404, 429],
        ["GET /api/predictions/{id}/feedback"] = [200, 404],
        ["GET /api/admin/feedback"] = [200, 400, 401, 429],
        ["POST /api/admin/feedback/{id}/accept"] = [200, 400, 401, 404, 429],
        ["POST /api/admin/feedback/{id}/reject"] = [200, 401, 404, 429],
        ["POST /api/admin/predictions/{id}/hide"] = [204, 401, 404, 429],
        ["POST /api/admin/predictions/{id}/show"] = [204, 401, 404, 429],
        ["DELETE /api/admin/predictions/{id}"] = [204, 401, 404, 429],
        ["GET /api/admin/dataset/export"] = [200, 401, 429],
        ["GET /api/model/versions"] = [200],
        ["POST /api/admin/model/retrain"] = [202, 401, 429],
        ["GET /api/admin/model/retrain/{id}"] = [200, 401, 404, 429],
        ["POST /api/admin/gallery/rerun"] = [202, 401, 429],
        ["GET /api/admin/gallery/rerun/{id}"] = [200, 401, 404, 429],
        ["POST /api/admin/model/versions/{id}/activate"] = [200, 401, 404, 429],
    };

    async Task<JsonElement> DocumentAsync() => await app.Client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");

    static JsonElement Operation(JsonElement document, string operation)
    {
        var (method, path) = (operation.Split(' ')[0].ToLowerInvariant(), operation.Split(' ')[1]);
        return document.GetProperty("paths").GetProperty(path).GetProperty(method);
    }

    static JsonElement ResponseSchema(JsonElement document, string operation, int status, string contentType) =>
        Operation(document, operation).GetProperty("responses").GetProperty(status.ToString()).GetProperty("content").GetProperty(contentType).GetProperty("schema");

    [Fact]
    public async Task Every_operation_has_a_summary_its_statuses_and_the_right_content_types()
    {
        var document = await DocumentAsync();

        var documented = document.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(method => $"{method.Name.ToUpperInvariant()} {path.Name}"));
        Assert.Equal(Operations.Keys.Order(), documented.Order());
        foreach (var (name, statuses) in Operations)
        {
            var operation = Operation(document, name);
            Assert.False(string.IsNullOrWhiteSpace(operation.GetProperty("summary").GetString()), $"{name} has a summary");
            var responses = operation.GetProperty("responses");
            Assert.Equal(statuses.Select(s => s.ToString()), responses.EnumerateObject().Select(r => r.Name).Order());
            foreach (var response in responses.EnumerateObject())
            {
                if (response.Name == "204")
                {
                    Assert.False(response.Value.TryGetProperty("content", out _), $"{name} 204 has no body");
                    continue;
                }
                Assert.True(response.Value.TryGetProperty("content", out var body), $"{name} {response.Name} documents its body");
                var content = body.EnumerateObject().ToList();
                var expected = int.Parse(response.Name) >= 400 ? ProblemJson
                    : name.EndsWith("/image") || name.EndsWith("thumbnail") || name.EndsWith("/gradcam") || name.EndsWith("/share-image") ? Jpeg
                    : name.EndsWith("/export") || name.EndsWith("/download") ? Zip : Json;
                Assert.True(content.Count == 1 && content[0].Name == expected, $"{name} {response.Name} is {expected}");
                var schema = Resolve(document, content[0].Value.GetProperty("schema"));
                if (expected == ProblemJson)
                    Assert.Equal(new[] { "detail", "instance", "status", "title", "type" }, schema.GetProperty("properties").EnumerateObject().Select(p => p.Name).Order());
                if (expected is Jpeg or Zip)
                    Assert.Equal("binary", schema.GetProperty("format").GetString());
            }
        }
    }

    [Fact]
    public async Task Predict_documents_a_photo_answer_or_a_finished_job_as_200_the_job_as_202_and_the_upload_form()
    {
        var document = await DocumentAsync();

        var ok = ResponseSchema(document, "POST /predict", 200, Json).GetProperty("oneOf").EnumerateArray().Select(s => Resolve(document, s)).ToList();
        Assert.Equal(2, ok.Count);
        var photo = Assert.Single(ok, s => s.GetProperty("properties").TryGetProperty("predicted_class", out _) && !s.GetProperty("properties").TryGetProperty("job_id", out _));
        Assert.Equal("string", TypeOf(photo.GetProperty("properties").GetProperty("predicted_class")).Single());
        Assert.Contains("number", TypeOf(photo.GetProperty("properties").GetProperty("confidence")));
        Assert.Subset(Required(photo), new HashSet<string> { "predicted_class", "confidence", "prediction_id", "gradcam_url" });
        var job = Assert.Single(ok, s => s.GetProperty("properties").TryGetProperty("job_id", out _));
        Assert.Subset(Required(job), new HashSet<string> { "job_id", "status", "progress", "status_url" });

        var accepted = Operation(document, "POST /predict").GetProperty("responses").GetProperty("202");
        Assert.Equal("#/components/schemas/VideoJobResponse", accepted.GetProperty("content").GetProperty(Json).GetProperty("schema").GetProperty("$ref").GetString());
        Assert.True(accepted.GetProperty("headers").TryGetProperty("Location", out _));

        var form = Resolve(document, Operation(document, "POST /predict").GetProperty("requestBody").GetProperty("content").GetProperty("multipart/form-data").GetProperty("schema"));
        Assert.Equal(new HashSet<string> { "file" }, Required(form));
        Assert.Equal("binary", Resolve(document, form.GetProperty("properties").GetProperty("file")).GetProperty("format").GetString());
    }

    [Fact]
    public async Task A_photo_answer_a_page_and_the_model_card_have_exactly_the_documented_properties_and_types()
    {
        var document = await DocumentAsync();
        var upload = await AppFixture.PostFileAsync(app.Client, File.ReadAllBytes(TestData.Photo("Lover/etl-7.jpeg")), "photo.jpeg");
        Assert.Equal(HttpStatusCode.OK, upload.StatusCode);
        var photo = await upload.Content.ReadFromJsonAsync<JsonElement>();

        AssertMatches(document, ResponseSchema(document, "POST /predict", 200, Json), photo);
        AssertMatches(document, ResponseSchema(document, "GET /api/predictions/{id}", 200, Json),
            await app.Client.GetFromJsonAsync<JsonElement>($"/api/predictions/{photo.GetProperty("prediction_id").GetInt64()}"));
        AssertMatches(document, ResponseSchema(document, "GET /api/predictions", 200, Json), await app.Client.GetFromJsonAsync<JsonElement>("/api/predictions?limit=1"));
        AssertMatches(document, ResponseSchema(document, "GET /api/model", 200, Json), await app.Client.GetFromJsonAsync<JsonElement>("/api/model"));
    }

    [Fact]
    public async Task A_video_job_accepted_and_finished_has_exactly_the_documented_properties_and_types()
    {
        var document = await DocumentAsync();
        var video = File.ReadAllBytes(TestVideos.Colours("openapi.mp4", 160, 120, ("red", 1), ("blue", 1)));

        var accepted = await AppFixture.PostFileAsync(app.Client, video, "openapi.mp4", respondAsync: true);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        AssertMatches(document, ResponseSchema(document, "POST /predict", 202, Json), await accepted.Content.ReadFromJsonAsync<JsonElement>());

        // Read as a show too, so the answer carries every property the document names.
        var finished = await AppFixture.PostFileAsync(app.Client, video, "openapi.mp4", "?wait=60&decode=show");
        Assert.Equal(HttpStatusCode.OK, finished.StatusCode);
        var job = await finished.Content.ReadFromJsonAsync<JsonElement>();
        AssertMatches(document, ResponseSchema(document, "POST /predict", 200, Json), job);
        AssertMatches(document, ResponseSchema(document, "GET /api/jobs/{id}", 200, Json),
            await app.Client.GetFromJsonAsync<JsonElement>($"/api/jobs/{job.GetProperty("job_id").GetInt64()}"));
    }

    [Fact]
    public async Task Ping_is_the_json_string_the_document_says()
    {
        var document = await DocumentAsync();
        Assert.Equal("string", ResponseSchema(document, "GET /ping", 200, Json).GetProperty("type").GetString());

        var ping = await app.Client.GetAsync("/ping");
        Assert.Equal(Json, ping.Content.Headers.ContentType?.MediaType);
        Assert.Equal("\"Hello World\"", await ping.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_admin_api_asks_for_the_bearer_token_and_every_other_operation_for_nothing()
    {
        var document = await DocumentAsync();

        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("AdminToken");
        Assert.Equal(("http", "bearer"), (scheme.GetProperty("type").GetString(), scheme.GetProperty("scheme").GetString()));
        foreach (var (name, statuses) in Operations)
        {
            var requirements = Operation(document, name).GetProperty("security").EnumerateArray()
                .Select(r => string.Join("+", r.EnumerateObject().Select(s => s.Name))).ToList();
            // An operation that answers 401 is one that needs the token.
            Assert.True(requirements.SequenceEqual([statuses.Contains(401) ? "AdminToken" : ""]), $"{name} asks for [{string.Join(", ", requirements)}]");
        }
    }

    /// <summary>
    /// Standard tools accept the served document: Redocly's linter (recommended rules) finds nothing,
    /// and a TypeScript client generated from it compiles with a partner site's use of it
    /// (tools/openapi/check.sh, with the tools scripts/setup.sh --tests installs; it fails, saying
    /// what is missing, without Node.js or the tools).
    /// </summary>
    [Fact]
    public async Task Standard_tools_accept_the_served_document_and_a_client_generated_from_it_compiles()
    {
        var document = Path.Combine(TestData.NewTempDir("openapi"), "openapi.json");
        await File.WriteAllTextAsync(document, await app.Client.GetStringAsync("/openapi/v1.json"));

        using var check = Process.Start(new ProcessStartInfo("bash", [Path.Combine(TestData.RepoRoot, "tools", "openapi", "check.sh"), document])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = check.StandardOutput.ReadToEndAsync();
        var errors = check.StandardError.ReadToEndAsync();
        using var stuck = new CancellationTokenSource(TimeSpan.FromMinutes(5)); // a hung tool fails the test rather than the run
        try { await check.WaitForExitAsync(stuck.Token); }
        catch (OperationCanceledException) { check.Kill(entireProcessTree: true); throw; }

        Assert.True(check.ExitCode == 0, $"tools/openapi/check.sh exited {check.ExitCode}:\n{await output}{await errors}");
    }

    static void AssertMatches(JsonElement document, JsonElement schema, JsonElement value)
    {
        var errors = Mismatches(document, schema, value, "$");
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    /// <summary>
    /// Where <paramref name="value"/> differs from <paramref name="schema"/>: a type the schema does
    /// not allow, a required property missing, or a property the schema does not know (objects
    /// with listed properties must have exactly those). Enough of JSON Schema for this document.
    /// </summary>
    static List<string> Mismatches(JsonElement document, JsonElement schema, JsonElement value, string at)
    {
        schema = Resolve(document, schema);
        if (schema.TryGetProperty("oneOf", out var oneOf))
        {
            var matching = oneOf.EnumerateArray().Count(alternative => Mismatches(document, alternative, value, at).Count == 0);
            return matching == 1 ? [] : [$"{at}: matches {matching} of the oneOf schemas, not exactly one"];
        }
        if (schema.TryGetProperty("type", out _) && !TypeOf(schema).Contains(KindOf(value)) && !(KindOf(value) == "integer" && TypeOf(schema).Contains("number")))
            return [$"{at}: {KindOf(value)} where the schema says {string.Join(" or ", TypeOf(schema))}"];

        var errors = new List<string>();
        if (value.ValueKind == JsonValueKind.Object)
        {
            var names = value.EnumerateObject().Select(p => p.Name).ToHashSet();
            errors.AddRange(Required(schema).Except(names).Select(name => $"{at}: required {name} is missing"));
            if (schema.TryGetProperty("properties", out var properties))
            {
                var known = properties.EnumerateObject().Select(p => p.Name).ToHashSet();
                errors.AddRange(names.Except(known).Select(name => $"{at}: {name} is not in the schema"));
                errors.AddRange(known.Except(names).Select(name => $"{at}: the schema's {name} is never sent"));
            }
            foreach (var property in value.EnumerateObject())
            {
                var propertySchema = schema.TryGetProperty("properties", out var p) && p.TryGetProperty(property.Name, out var s) ? s
                    : schema.TryGetProperty("additionalProperties", out var a) && a.ValueKind == JsonValueKind.Object ? a : (JsonElement?)null;
                if (propertySchema is { } known) errors.AddRange(Mismatches(document, known, property.Value, $"{at}.{property.Name}"));
            }
        }
        if (value.ValueKind == JsonValueKind.Array && schema.TryGetProperty("items", out var items))
            errors.AddRange(value.EnumerateArray().SelectMany((item, i) => Mismatches(document, items, item, $"{at}[{i}]")));
        return errors;
    }

    static JsonElement Resolve(JsonElement document, JsonElement schema) =>
        schema.TryGetProperty("$ref", out var reference)
            ? document.GetProperty("components").GetProperty("schemas").GetProperty(reference.GetString()!.Replace("#/components/schemas/", ""))
            : schema;

    static string[] TypeOf(JsonElement schema) => schema.GetProperty("type") is { ValueKind: JsonValueKind.Array } types
        ? types.EnumerateArray().Select(t => t.GetString()!).ToArray()
        : [schema.GetProperty("type").GetString()!];

    static HashSet<string> Required(JsonElement schema) =>
        schema.TryGetProperty("required", out var required) ? required.EnumerateArray().Select(r => r.GetString()!).ToHashSet() : [];

    static string KindOf(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => value.TryGetInt64(out _) ? "integer" : "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        _ => "null",
    };
}
