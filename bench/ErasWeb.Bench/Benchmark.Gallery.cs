using ErasWeb.Data;
using Microsoft.Extensions.DependencyInjection;

namespace ErasWeb.Bench;

/// <summary>The gallery page with 10,000 stored predictions: first, filtered and deep pages, as a browser asks for them.</summary>
public sealed partial class Benchmark
{
    async Task GalleryAsync(AppHost host)
    {
        const int rows = 10_000;
        string[] eras = ["1989", "Acoustic", "Fearless", "Folkmore", "Lover", "Midnights", "Red", "Reputation", "Speak Now", "TTPD"];
        var thumbnail = new byte[8 * 1024];
        var picture = new byte[100 * 1024];
        using (var scope = host.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ErasDb>();
            for (int start = 0; start < rows; start += 1000)
            {
                db.Predictions.AddRange(Enumerable.Range(start, 1000).Select(i => new Prediction
                {
                    CreatedAtUtc = DateTime.UtcNow,
                    Kind = i % 5 == 0 ? PredictionKind.Video : PredictionKind.Image,
                    FileName = $"fan-{i}.jpg",
                    ContentSha256 = $"bench-gallery-{i}",
                    Format = "JPEG",
                    PredictedClass = eras[i * 7 % 10],
                    Confidence = i % 100 / 100f,
                    UncertainReason = i % 9 == 0 ? "not sure" : null,
                    Probabilities = eras.ToDictionary(e => e, _ => 0.1f),
                    Explanation = "grad-cam",
                    ModelVersion = "bench",
                    Pictures = new PredictionPictures { Display = picture, Thumbnail = thumbnail, GradCam = picture },
                }));
                await db.SaveChangesAsync();
                db.ChangeTracker.Clear();
            }
        }
        using var client = new HttpClient { BaseAddress = host.BaseAddress };
        long deep = await FirstIdAsync(host) + 100;

        md.AppendLine($"## Gallery with {rows:N0} predictions").AppendLine();
        md.AppendLine("`GET` of the server-rendered page (HTML only; thumbnails load separately), 40 times each after one warm-up.").AppendLine();
        md.AppendLine("| page | p50 ms | p95 ms |");
        md.AppendLine("|---|---|---|");
        Stats? slowest = null;
        foreach (var (name, url) in new[]
        {
            ("newest, no filter", "/gallery"),
            ("one era", "/gallery?era=Lover"),
            ("videos of one era, at least 50%", "/gallery?era=Red&kind=video&confidence=50"),
            ("not sure", "/gallery?confidence=unsure"),
            ($"deep: the last page (before id {deep})", $"/gallery?before={deep}"),
        })
        {
            await client.GetStringAsync(url);
            var times = new List<double>();
            for (int i = 0; i < 40; i++) times.Add(await Stats.TimeAsync(() => client.GetStringAsync(url)));
            var stats = Stats.Of(times);
            if (slowest is null || stats.P50 > slowest.P50) slowest = stats;
            md.AppendLine($"| {name} | {stats.P50:0.0} | {stats.P95:0.0} |");
        }
        md.AppendLine().AppendLine("| target | measured | verdict |");
        md.AppendLine("|---|---|---|");
        Target($"gallery pages stay fast with {rows:N0} rows: every page p50 <= 50 ms (our own bar; the issue sets no number)", $"slowest p50 {slowest!.P50:0.0} ms", slowest.P50 <= 50);
        md.AppendLine();
    }

    static async Task<long> FirstIdAsync(AppHost host)
    {
        using var scope = host.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ErasDb>();
        return await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.MinAsync(db.Predictions, p => p.Id);
    }
}
