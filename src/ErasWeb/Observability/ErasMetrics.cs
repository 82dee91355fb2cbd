using System.Diagnostics;
using System.Diagnostics.Metrics;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;

namespace ErasWeb.Observability;

/// <summary>
/// ErasWeb's own measurements, beside ASP.NET Core's (request duration by route) and the runtime's:
/// exported at <c>/metrics</c> for Prometheus, and over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set.
/// </summary>
public sealed class ErasMetrics
{
    public const string Name = "ErasWeb";

    /// <summary>Spans for jobs and the work inside requests; a job's span continues the trace of the request that queued it.</summary>
    public static readonly ActivitySource Tracing = new(Name);

    readonly Histogram<double> stages;
    readonly Counter<long> predictions;
    readonly Histogram<double> jobs;

    readonly IServiceProvider services;
    (DateTime At, IReadOnlyList<Measurement<long>> Counts) jobCounts = (DateTime.MinValue, []);

    /// <param name="services">Where the job storage is found when first counted: creating it may open the database.</param>
    public ErasMetrics(IMeterFactory meters, IServiceProvider services)
    {
        this.services = services;
        var meter = meters.Create(Name);
        stages = meter.CreateHistogram<double>("erasweb.analysis.stage.duration", "s",
            "Time of each step of analysing a picture: decode, inference (the model, Grad-CAM maps included), gradcam (drawing the heatmap over the photo), encode (JPEGs stored)");
        predictions = meter.CreateCounter<long>("erasweb.predictions", "{prediction}", "Predictions made, by era, kind (image, video) and whether the model was unsure");
        jobs = meter.CreateHistogram<double>("erasweb.job.duration", "s", "Wall-clock time of background jobs, by kind and outcome");
        meter.CreateObservableGauge("erasweb.jobs", JobCounts, "{job}",
            "Background jobs by state, as the job queue counts them (the whole queue's, the same in every process): enqueued is the queue depth");
    }

    public void Stage(string stage, TimeSpan elapsed) => stages.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("stage", stage));

    public void Prediction(string era, string kind, bool uncertain) => predictions.Add(1,
        new KeyValuePair<string, object?>("era", era), new KeyValuePair<string, object?>("kind", kind), new KeyValuePair<string, object?>("uncertain", uncertain));

    public void Job(string kind, string outcome, TimeSpan elapsed) => jobs.Record(elapsed.TotalSeconds,
        new KeyValuePair<string, object?>("kind", kind), new KeyValuePair<string, object?>("outcome", outcome));

    /// <summary>Counted at most every few seconds: on PostgreSQL each count is a few queries, and anyone who can scrape could otherwise make the database count all day.</summary>
    IReadOnlyList<Measurement<long>> JobCounts()
    {
        if (DateTime.UtcNow - jobCounts.At < TimeSpan.FromSeconds(5)) return jobCounts.Counts;
        try
        {
            var statistics = services.GetRequiredService<JobStorage>().GetMonitoringApi().GetStatistics();
            jobCounts = (DateTime.UtcNow, [
                new(statistics.Enqueued, new KeyValuePair<string, object?>("state", "enqueued")),
                new(statistics.Processing, new KeyValuePair<string, object?>("state", "processing")),
                new(statistics.Succeeded, new KeyValuePair<string, object?>("state", "succeeded")),
                new(statistics.Failed, new KeyValuePair<string, object?>("state", "failed")),
            ]);
        }
        catch (Exception e) when (e is not OutOfMemoryException) { } // the database is away: the last counts stand, health says why
        return jobCounts.Counts;
    }
}
