using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ErasWeb.Observability;
using ErasWeb.Tests.Support;

namespace ErasWeb.Tests.Videos;

/// <summary>A job's span continues the trace of the request that queued it.</summary>
public class JobTracingTests(AppFixture app) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task The_video_jobs_span_belongs_to_the_trace_of_the_upload_that_queued_it()
    {
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == ErasMetrics.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);

        var trace = ActivityTraceId.CreateRandom();
        var video = TestVideos.Colours("traced.mp4", 160, 120, ("green", 1), ("purple", 1));
        using var form = new MultipartFormDataContent { { new ByteArrayContent(await File.ReadAllBytesAsync(video)), "file", "traced.mp4" } };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/predict?wait=60") { Content = form };
        request.Headers.Add("traceparent", $"00-{trace}-{ActivitySpanId.CreateRandom()}-01");
        var response = await app.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        long jobId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("job_id").GetInt64();

        // The span ends just after the job's row says it has; look for a moment.
        var job = (await Eventually.WaitForAsync(() => Task.FromResult(spans.FirstOrDefault(s => s.TraceId == trace && s.OperationName.Contains("VideoJobRunner"))),
            span => span is not null, "the job's span to end", TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(50)))!;
        Assert.Equal(ActivityKind.Consumer, job.Kind);
        Assert.Contains(jobId.ToString(), job.GetTagItem("erasweb.job.arguments")?.ToString());
    }
}
