using System.Net;
using System.Text.Json;
using ErasWeb.Classification;
using ErasWeb.Media;
using ErasWeb.Predictions;
using ErasWeb.Problems;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;

namespace ErasWeb.Tests;

/// <summary>The one mapping from domain failures to HTTP, and the handler that answers the API with it.</summary>
public class DomainProblemsTests
{
    /// <summary>The statuses and titles clients have always had; the upload page and the API share them.</summary>
    [Theory]
    [InlineData(MediaRejection.Empty, 400, "Empty file")]
    [InlineData(MediaRejection.Corrupt, 400, "Unreadable image")]
    [InlineData(MediaRejection.MalformedUpload, 400, "Malformed upload")]
    [InlineData(MediaRejection.MissingFile, 400, "No file")]
    [InlineData(MediaRejection.TooLarge, 413, "File too large")]
    [InlineData(MediaRejection.TooManyPixels, 413, "Image dimensions too large")]
    [InlineData(MediaRejection.Unsupported, 415, "Unsupported file type")]
    [InlineData(MediaRejection.NotMultipart, 415, "Expected a multipart upload")]
    [InlineData(MediaRejection.UnreadableVideo, 422, "Unreadable video")]
    public void Each_rejection_reason_has_its_status_and_title_and_keeps_its_sentence(MediaRejection reason, int status, string title)
    {
        var problem = DomainProblems.From(new MediaRejectedException(reason, "Why, in words."));

        Assert.Equal(new DomainProblem(status, title, "Why, in words."), problem);
    }

    [Fact]
    public void Every_rejection_reason_is_mapped() =>
        Assert.All(Enum.GetValues<MediaRejection>(), reason => Assert.NotNull(DomainProblems.From(new MediaRejectedException(reason, "x"))));

    [Fact]
    public void A_model_still_loading_is_a_503_worth_retrying_and_a_bug_is_no_domain_problem()
    {
        Assert.Equal(new DomainProblem(503, "Model loading", "The model is still loading; try again in a few seconds.", RetryAfterSeconds: 5),
            DomainProblems.From(new ModelNotReadyException()));
        Assert.Null(DomainProblems.From(new InvalidOperationException("a bug")));
    }

    [Fact]
    public async Task The_handler_answers_domain_failures_with_problem_json_and_leaves_other_exceptions_alone()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<DomainExceptionHandler>();
        await using var app = builder.Build();
        app.UseExceptionHandler();
        app.MapGet("/loading", () => { throw new ModelNotReadyException(); });
        app.MapGet("/bug", () => { throw new InvalidOperationException("a bug"); });
        await app.StartAsync();
        using var client = new HttpClient { BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()) };

        var loading = await client.GetAsync("/loading");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, loading.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(5), loading.Headers.RetryAfter?.Delta);
        Assert.Equal("application/problem+json", loading.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await loading.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(503, problem.GetProperty("status").GetInt32());
        Assert.Equal("Model loading", problem.GetProperty("title").GetString());
        Assert.Equal(new ModelNotReadyException().Message, problem.GetProperty("detail").GetString());

        var bug = await client.GetAsync("/bug");
        Assert.Equal(HttpStatusCode.InternalServerError, bug.StatusCode);
        Assert.DoesNotContain("a bug", await bug.Content.ReadAsStringAsync());
        await app.StopAsync();
    }
}
