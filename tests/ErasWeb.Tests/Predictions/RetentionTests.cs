using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ErasWeb.Data;
using ErasWeb.Predictions;
using ErasWeb.Tests.Support;
using Microsoft.Data.Sqlite;

namespace ErasWeb.Tests.Predictions;

public sealed class RetentionAppFixture : AppFixture
{
    public const int Days = 30;

    public RetentionAppFixture() => Settings = new Dictionary<string, string?> { ["Eras:RetentionDays"] = Days.ToString() };
}

/// <summary>ERAS_RETENTION_DAYS: old predictions go with everything that belongs to them; newer ones stay.</summary>
public class RetentionTests(RetentionAppFixture app) : IClassFixture<RetentionAppFixture>
{
    /// <summary>Makes predictions look <paramref name="days"/> old, straight in the SQLite file, as if they had been uploaded then.</summary>
    static void Age(string dataDir, int days, params long[] ids)
    {
        using var connection = new SqliteConnection(ErasDb.ConnectionString(dataDir));
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"UPDATE Predictions SET CreatedAtUtc = $at WHERE Id IN ({string.Join(",", ids)})";
        command.Parameters.AddWithValue("$at", DateTime.UtcNow.AddDays(-days));
        Assert.Equal(ids.Length, command.ExecuteNonQuery());
    }

    static long Count(string dataDir, string sql)
    {
        using var connection = new SqliteConnection(ErasDb.ConnectionString(dataDir));
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
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
        Assert.True(Count(app.DataDir, $"SELECT COUNT(*) FROM VideoFrames WHERE PredictionId = {oldVideo}") > 0);

        Age(app.DataDir, RetentionAppFixture.Days + 1, oldPhoto, otherOldPhoto, oldVideo);
        Age(app.DataDir, RetentionAppFixture.Days - 1, newPhoto);
        var retention = app.Services.GetRequiredService<Retention>();
        Assert.Equal(3, await retention.RemoveExpiredAsync(CancellationToken.None, batchSize: 2)); // two batches

        string old = $"({oldPhoto}, {otherOldPhoto}, {oldVideo})";
        foreach (var table in (string[])["Predictions WHERE Id", "PredictionPictures WHERE PredictionId", "VideoFrames WHERE PredictionId",
            "TimelineSegments WHERE PredictionId", "FanVotes WHERE PredictionId", "Feedback WHERE PredictionId", "VideoJobs WHERE PredictionId"])
            Assert.True(Count(app.DataDir, $"SELECT COUNT(*) FROM {table} IN {old}") == 0, $"{table} in {old} is gone");
        Assert.Equal(0, Count(app.DataDir, $"SELECT COUNT(*) FROM VideoJobs WHERE Id = {job}"));
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsync($"/api/predictions/{oldPhoto}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsync($"/api/predictions/{oldPhoto}/image")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsync($"/api/jobs/{job}")).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await app.Client.GetAsync($"/api/predictions/{newPhoto}/image")).StatusCode);
        Assert.Equal(1, Count(app.DataDir, $"SELECT COUNT(*) FROM FanVotes WHERE PredictionId = {newPhoto}"));
        Assert.Equal(0, await retention.RemoveExpiredAsync(CancellationToken.None));
    }

    [Fact]
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
        Age(dataDir, RetentionAppFixture.Days + 1, id);
        SqliteConnection.ClearAllPools();

        var after = new AppFixture { Settings = new Dictionary<string, string?> { ["Eras:DataDir"] = dataDir, ["Eras:RetentionDays"] = RetentionAppFixture.Days.ToString() } };
        await after.InitializeAsync();
        try
        {
            for (var deadline = DateTime.UtcNow.AddSeconds(20); await after.CountPredictionsAsync() > 0; await Task.Delay(100))
                Assert.True(DateTime.UtcNow < deadline, "the old prediction is removed soon after start-up");
        }
        finally
        {
            await after.DisposeAsync();
            Directory.Delete(dataDir, recursive: true);
        }
    }
}
