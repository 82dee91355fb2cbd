using System.Collections.Concurrent;
using ErasWeb.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;

namespace ErasWeb.Tests.Predictions;

/// <summary>OTEL_EXPORTER_OTLP_ENDPOINT sends metrics, traces and logs to a collector (here, a listener that records what it is sent).</summary>
public class OtlpExportTests
{
    [Fact]
    public async Task With_an_OTLP_endpoint_set_metrics_traces_and_logs_reach_it()
    {
        var received = new ConcurrentDictionary<string, int>();
        var collector = WebApplication.CreateBuilder();
        collector.WebHost.UseUrls("http://127.0.0.1:0");
        await using var listener = collector.Build();
        listener.MapPost("/v1/{signal}", (string signal, HttpRequest request) =>
        {
            if (request.ContentLength > 0) received.AddOrUpdate(signal, 1, (_, n) => n + 1);
            return Results.Ok();
        });
        await listener.StartAsync();
        var endpoint = listener.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

        var app = new AppFixture
        {
            Settings = new Dictionary<string, string?>
            {
                ["OTEL_EXPORTER_OTLP_ENDPOINT"] = endpoint,
                ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
                // Export within a second rather than the usual minute (metrics) and five seconds (traces, logs).
                ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
                ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
                ["OTEL_BLRP_SCHEDULE_DELAY"] = "200",
            },
        };
        await app.InitializeAsync();
        try
        {
            await app.UploadJsonAsync<System.Text.Json.JsonElement>(File.ReadAllBytes(TestData.Photo("Red/etl-17.jpeg")), "red.jpg");
            await Eventually.WaitForAsync(() => Task.FromResult(received.Keys.ToHashSet()), got => got.IsSupersetOf(["metrics", "traces", "logs"]),
                "the collector to get metrics, traces and logs", TimeSpan.FromSeconds(20));
        }
        finally { await app.DisposeAsync(); }
    }
}
