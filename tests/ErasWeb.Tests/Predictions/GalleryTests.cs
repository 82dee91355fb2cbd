using System.Text.RegularExpressions;
using ErasWeb.Data;
using ErasWeb.Predictions;
using ErasWeb.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace ErasWeb.Tests.Predictions;

/// <summary>The gallery over many stored predictions: filters, counts and keyset paging.</summary>
[Trait("Category", "Storage")]
public partial class GalleryTests(AppFixture app) : IClassFixture<AppFixture>
{
    static readonly string[] Eras = ["Lover", "Midnights", "Red"];

    [GeneratedRegex("<a href=\"/predictions/([0-9]+)\">")]
    private static partial Regex Card();

    /// <summary>Rows as the services store them (with tiny pictures): era, kind and certainty vary with the index.</summary>
    async Task<List<Prediction>> SeedAsync(int count)
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ErasDb>();
        var rows = Enumerable.Range(0, count).Select(i => new Prediction
        {
            CreatedAtUtc = DateTime.UtcNow,
            Kind = i % 4 == 0 ? PredictionKind.Video : PredictionKind.Image,
            FileName = $"seed-{i}.jpg",
            ContentSha256 = Guid.NewGuid().ToString("N"),
            Format = "JPEG",
            PredictedClass = Eras[i % 3],
            Confidence = i % 5 / 5f + 0.1f,
            UncertainReason = i % 7 == 0 ? "not sure" : null,
            Probabilities = new() { [Eras[i % 3]] = 1 },
            Explanation = "grad-cam",
            ModelVersion = "seed",
            Pictures = new PredictionPictures { Display = [1], Thumbnail = [2], GradCam = [3] },
        }).ToList();
        db.Predictions.AddRange(rows);
        await db.SaveChangesAsync();
        return rows;
    }

    async Task<List<long>> WalkAsync(string query)
    {
        var ids = new List<long>();
        string? url = "/gallery" + query;
        while (url is not null)
        {
            var html = await app.Client.GetStringAsync(url);
            ids.AddRange(Card().Matches(html).Select(m => long.Parse(m.Groups[1].Value)));
            var next = Regex.Match(html, "<a href=\"([^\"]+)\" rel=\"next\">");
            url = next.Success ? System.Net.WebUtility.HtmlDecode(next.Groups[1].Value) : null;
        }
        return ids;
    }

    [Fact]
    public async Task Paging_through_a_filter_shows_every_matching_prediction_once_newest_first_and_counts_match()
    {
        var rows = await SeedAsync(300);
        var seeded = rows.Select(r => r.Id).ToHashSet();

        var videos = (await WalkAsync("?kind=video")).Where(seeded.Contains).ToList();
        Assert.Equal(rows.Where(r => r.Kind == PredictionKind.Video).Select(r => r.Id).OrderDescending(), videos);

        var sureReds = (await WalkAsync("?era=Red&confidence=50")).Where(seeded.Contains).ToList();
        Assert.Equal(rows.Where(r => r.PredictedClass == "Red" && r.Confidence >= 0.5f && r.UncertainReason is null).Select(r => r.Id).OrderDescending(), sureReds);

        var unsure = await WalkAsync("?confidence=unsure");
        Assert.Superset(rows.Where(r => r.UncertainReason is not null).Select(r => r.Id).ToHashSet(), unsure.ToHashSet());

        var page = await app.Client.GetStringAsync("/gallery?kind=video");
        int expectedLover = await CountAsync(db => db.Predictions.Where(p => p.Kind == PredictionKind.Video && p.PredictedClass == "Lover"));
        Assert.Contains($">Lover {expectedLover}</a>", page);
    }

    [Fact]
    [Trait("Database", "sqlite")] // reads SQLite's query plans
    public async Task Filtered_pages_are_read_through_an_index_without_sorting_however_deep()
    {
        await SeedAsync(50);
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ErasDb>();

        foreach (var filter in new[] { new PredictionFilter(Era: "Red"), new PredictionFilter(Kind: PredictionKind.Video.Text()) })
        {
            var plan = await PlanAsync(db, db.Predictions.Matching(filter).PageRows(before: 40, size: 24));
            Assert.Contains("USING INDEX", plan);
            Assert.DoesNotContain("TEMP B-TREE", plan);
            // Whether a newer answer to the same picture exists is a seek by content for each row listed, never a scan of all newer rows.
            Assert.Contains("IX_Predictions_ContentSha256_Id (ContentSha256=? AND Id>?)", plan);
        }
        // The same for the gallery's counts per era, which look at every listed row.
        var counts = await PlanAsync(db, db.Predictions.Matching(new PredictionFilter()).Where(p => p.PredictedClass != ""));
        Assert.Contains("IX_Predictions_ContentSha256_Id (ContentSha256=? AND Id>?)", counts);
    }

    /// <summary>SQLite's plan for the exact SQL EF Core sends, with its parameters.</summary>
    static async Task<string> PlanAsync(ErasDb db, IQueryable<Prediction> query)
    {
        var lines = query.ToQueryString().Split('\n');
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        using var command = connection.CreateCommand();
        foreach (var line in lines.Where(l => l.StartsWith(".param set ")))
        {
            var parts = line.Split(' ', 4);
            var parameter = command.CreateParameter();
            parameter.ParameterName = parts[2];
            parameter.Value = parts[3].Trim() is var v && v.StartsWith('\'') ? v.Trim('\'') : long.Parse(v);
            command.Parameters.Add(parameter);
        }
        command.CommandText = "EXPLAIN QUERY PLAN " + string.Join('\n', lines.Where(l => !l.StartsWith(".param")));
        var plan = new List<string>();
        using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) plan.Add(reader.GetString(3));
        return string.Join("; ", plan);
    }

    async Task<int> CountAsync(Func<ErasDb, IQueryable<Prediction>> query)
    {
        using var scope = app.Services.CreateScope();
        return await query(scope.ServiceProvider.GetRequiredService<ErasDb>()).CountAsync();
    }
}
