using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using ErasWeb.Tests.Support;

namespace ErasWeb.Tests.Predictions;

/// <summary>
/// Run alone: the exporter reads the process's meters by name, so every app of the test process counts in the
/// sums, and an app stopping beside a metrics test would take its series out of them between two scrapes.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MetricsAlone
{
    public const string Name = "Metrics, alone";
}

/// <summary>/metrics, in Prometheus' text format, moves with the work the app does.</summary>
[Collection(MetricsAlone.Name)]
public partial class MetricsTests(AppFixture app) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task A_prediction_moves_the_predictions_counter_the_inference_histogram_and_the_request_durations()
    {
        var before = await ScrapeAsync();
        var answer = await app.UploadJsonAsync<System.Text.Json.JsonElement>(File.ReadAllBytes(TestData.Photo("Lover/etl-3.jpeg")), "lover.jpg");
        string era = answer.GetProperty("predicted_class").GetString()!;
        // The overlay is drawn when first asked for.
        await app.Client.GetByteArrayAsync(answer.GetProperty("gradcam_url").GetString());

        // The exporter caches a scrape for a moment; look until the new prediction shows.
        var after = await Eventually.WaitForAsync(ScrapeAsync, scrape => Sum(scrape, "erasweb_predictions_total", $"era=\"{era}\"") > Sum(before, "erasweb_predictions_total", $"era=\"{era}\""),
            "the predictions counter to move", TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(200));
        foreach (var stage in (string[])["decode", "inference", "gradcam", "encode"])
            Assert.True(Sum(after, "erasweb_analysis_stage_duration_seconds_count", $"stage=\"{stage}\"") > Sum(before, "erasweb_analysis_stage_duration_seconds_count", $"stage=\"{stage}\""), stage);
        Assert.True(Sum(after, "erasweb_analysis_stage_duration_seconds_sum", "stage=\"inference\"") > Sum(before, "erasweb_analysis_stage_duration_seconds_sum", "stage=\"inference\""));
        Assert.True(Sum(after, "http_server_request_duration_seconds_count", "http_route=\"/predict\"") > Sum(before, "http_server_request_duration_seconds_count", "http_route=\"/predict\""));
        Assert.Contains("erasweb_jobs{", after);
    }

    async Task<string> ScrapeAsync()
    {
        var response = await app.Client.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>The sum of a metric's samples whose labels include <paramref name="label"/> (0 when there is none yet).</summary>
    static double Sum(string scrape, string metric, string label) => Sample().Matches(scrape)
        .Where(m => m.Groups["name"].Value == metric && m.Groups["labels"].Value.Contains(label))
        .Sum(m => double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture));

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][\w:]*)\{(?<labels>[^}]*)\} (?<value>\S+)", RegexOptions.Multiline)]
    private static partial Regex Sample();
}
