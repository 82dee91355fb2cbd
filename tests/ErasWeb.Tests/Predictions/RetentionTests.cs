using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ErasWeb.Configuration;
using ErasWeb.Data;
using ErasWeb.Predictions;
using ErasWeb.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ErasWeb.Tests.Predictions;

public sealed class RetentionAppFixture : AppFixture
{
    public const int Days = 30;

    public RetentionAppFixture() => Settings = new Dictionary<string, string?> { ["Eras:RetentionDays"] = Days.ToString() };
}

/// <summary>ERAS_RETENTION_DAYS: old predictions go with everything that belongs to them; newer ones stay.</summary>
[Trait("Category", "Storage")]
public class RetentionTests(RetentionAppFixture app) : IClassFixture<RetentionAppFixture>
{
    /// <summary>Makes predictions look <paramref name="days"/> old, straight in the database, as if they had been uploaded then.</summary>
    static void Age(IServiceProvider services, int days, params long[] ids)
    {
        using var scope = services.CreateScope();
        var at = DateTime.UtcNow.AddDays(-days);
        Assert.Equal(ids.Length, scope.ServiceProvider.GetRequiredService<ErasDb>().Predictions.IgnoreQueryFilters()
            .Where(p => ids.Contains(p.Id)).ExecuteUpdate(s => s.SetProperty(p => p.CreatedAtUtc, at)));
    }

    /// <summary>Rows of <paramref name="table"/> whose <paramref name="column"/> is one of <paramref name="ids"/>, counted in SQL (no query filter hides any).</summary>
    long Count(string table, string column, params long[] ids)
    {
        using var scope = app.Services.CreateScope();
        string sql = $"SELECT COUNT(*) AS \"Value\" FROM \"{table}\" WHERE \"{column}\" IN ({string.Join(",", ids)})"; // names and numbers of the test's own
        return scope.ServiceProvider.GetRequiredService<ErasDb>().Database.SqlQueryRaw<long>(sql).Single();
    }

    async Task<long> UploadAsync(string photo) =>
        (await app.UploadJsonAsync<JsonElement>(File.ReadAllBytes(TestData.Photo(photo)), Path.GetFileName(photo))).GetProperty("prediction_id").GetInt64();

    [Fact]
    public async Task The_job_removes_old_predictions_with_pictures_frames_votes_feedback_and_jobs_and_keeps_new_ones()
    {
        long oldPhoto = await UploadAsync("Red/etl-17.jpeg"), otherOldPhoto = await UploadAsync("Lover/etl-3.jpeg"), newPhoto = await UploadAsync("Midnights/etl-39.jpeg");
        var clip = TestVideos.Colours("retention.mp4", 160, 120, ("purple", 1), ("blue", 1));
        var videoAnswer = await AppFixture.PostFileAsync(app.Client, await File.ReadAllBytesAsync(clip), "clip.mp4", "?wait=60", "video/mp4");
        Assert.Equal(HttpStatusCode.OK, videoAnswer.StatusCode);
        var video = await videoAnswer.Content.ReadFromJsonAsync<JsonElement>();
        long oldVideo = video.GetProperty("prediction_id").GetInt64(), job = video.GetProperty("job_id").GetInt64();
        foreach (var id in (long[])[oldPhoto, oldVideo, newPhoto])
            Assert.Equal(HttpStatusCode.Created, (await app.Client.PostAsJsonAsync($"/api/predictions/{id}/feedback", new { era = "Red" })).StatusCode);
        Assert.True(Count("VideoFrames", "PredictionId", oldVideo) > 0);

        Age(app.Services, RetentionAppFixture.Days + 1, oldPhoto, otherOldPhoto, oldVideo);
        Age(app.Services, RetentionAppFixture.Days - 1, newPhoto);
        var retention = app.Services.GetRequiredService<Retention>();
        Assert.Equal(3, await retention.RemoveExpiredAsync(CancellationToken.None, batchSize: 2)); // two batches

        long[] old = [oldPhoto, otherOldPhoto, oldVideo];
        foreach (var (table, column) in (ValueTuple<string, string>[])[("Predictions", "Id"), ("PredictionPictures", "PredictionId"), ("VideoFrames", "PredictionId"),
            ("TimelineSegments", "PredictionId"), ("FanVotes", "PredictionId"), ("Feedback", "PredictionId"), ("VideoJobs", "PredictionId")])
            Assert.True(Count(table, column, old) == 0, $"{table} of {string.Join(", ", old)} are gone");
        Assert.Equal(0, Count("VideoJobs", "Id", job));
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsync($"/api/predictions/{oldPhoto}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsync($"/api/predictions/{oldPhoto}/image")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsync($"/api/jobs/{job}")).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await app.Client.GetAsync($"/api/predictions/{newPhoto}/image")).StatusCode);
        Assert.Equal(1, Count("FanVotes", "PredictionId", newPhoto));
        Assert.Equal(0, await retention.RemoveExpiredAsync(CancellationToken.None));
    }

    [Fact]
    public async Task After_start_up_the_job_runs_again_a_day_later()
    {
        long expired = await UploadAsync("Red/etl-18.jpeg"), expiresTomorrow = await UploadAsync("Lover/etl-4.jpeg");
        Age(app.Services, RetentionAppFixture.Days + 1, expired);
        Age(app.Services, RetentionAppFixture.Days - 1, expiresTomorrow);
        // The same service as the app's own, on a clock the test moves: a day passes without waiting one.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var retention = new Retention(app.Services.GetRequiredService<IServiceScopeFactory>(), app.Services.GetRequiredService<IOptions<ErasOptions>>(), clock,
            NullLogger<Retention>.Instance);
        await retention.StartAsync(CancellationToken.None);
        try
        {
            await Eventually.TrueAsync(() => Count("Predictions", "Id", expired) == 0, "the start-up run to remove the expired prediction", TimeSpan.FromSeconds(20));
            Assert.Equal(1, Count("Predictions", "Id", expiresTomorrow));

            clock.Advance(TimeSpan.FromDays(1));

            await Eventually.TrueAsync(() => Count("Predictions", "Id", expiresTomorrow) == 0, "the next day's run to remove the prediction that expired meanwhile", TimeSpan.FromSeconds(20));
        }
        finally { await retention.StopAsync(CancellationToken.None); }
    }

    [Fact]
    [Trait("Database", "sqlite")] // a restart on the same database: each app fixture on PostgreSQL gets a new one
    public async Task The_job_also_runs_at_start_up()
    {
        var dataDir = TestData.NewTempDir("retention");
        long id;
        var before = new AppFixture { Settings = new Dictionary<string, string?> { ["Eras:DataDir"] = dataDir } };
        await before.InitializeAsync();
        try
        {
            id = (await before.UploadJsonAsync<JsonElement>(File.ReadAllBytes(TestData.Photo("Red/etl-18.jpeg")), "red.jpg")).GetProperty("prediction_id").GetInt64();
        }
        finally { await before.DisposeAsync(); }
        var db = new DbContextOptionsBuilder<ErasDb>();
        ErasDb.ConfigureSqlite(db, dataDir);
        using (var stopped = new ErasDb(db.Options))
            Assert.Equal(1, stopped.Predictions.Where(p => p.Id == id).ExecuteUpdate(s => s.SetProperty(p => p.CreatedAtUtc, DateTime.UtcNow.AddDays(-RetentionAppFixture.Days - 1))));
        TestDatabase.ClearSqlitePool(dataDir);

        var after = new AppFixture { Settings = new Dictionary<string, string?> { ["Eras:DataDir"] = dataDir, ["Eras:RetentionDays"] = RetentionAppFixture.Days.ToString() } };
        await after.InitializeAsync();
        try
        {
            await Eventually.WaitForAsync(after.CountPredictionsAsync, count => count == 0, "the old prediction to be removed after start-up", TimeSpan.FromSeconds(20));
        }
        finally
        {
            await after.DisposeAsync();
            Directory.Delete(dataDir, recursive: true);
        }
    }
}
