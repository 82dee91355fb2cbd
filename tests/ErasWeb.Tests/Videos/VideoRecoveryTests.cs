using System.Net;
using System.Text.Json;
using ErasWeb.Tests.Support;

namespace ErasWeb.Tests.Videos;

public class VideoRecoveryTests
{
    [Fact]
    public async Task Jobs_running_or_queued_when_the_process_is_killed_finish_after_a_restart_exactly_once()
    {
        var dataDir = TestData.NewTempDir("recovery");
        // Many frames from a clip with few keyframes: each is sought on its own, so the job runs long enough to be killed mid-way.
        var environment = new Dictionary<string, string> { ["ERAS_VIDEO_FRAMES"] = "150" };
        var first = TestVideos.Slideshow("show.mp4", 320, 180, (TestData.Photo("Lover/etl-7.jpeg"), 10), (TestData.Photo("Midnights/etl-34.jpeg"), 10));
        var second = TestVideos.Slideshow("encore.mp4", 320, 180, (TestData.Photo("Midnights/etl-34.jpeg"), 2));
        long running, queued;

        using (var app = await AppProcess.StartAsync(dataDir, environment))
        {
            running = await UploadAsync(app.Client, first);
            queued = await UploadAsync(app.Client, second);
            await Eventually.WaitForAsync(async () =>
                {
                    var job = await JobAsync(app.Client, running);
                    Assert.NotEqual("succeeded", job.GetProperty("status").GetString()); // over before it could be caught
                    return job;
                },
                job => job.GetProperty("status").GetString() == "running" && job.GetProperty("progress").GetInt32() >= 5,
                "the job to get going", TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(50));
            // Frozen first, so the kill lands on a job the database still says is running, whatever the machine's speed.
            app.Freeze();
            Assert.Equal(Data.Vocabulary.Text(Data.WorkStatus.Running), await JobStatusInDatabaseAsync(dataDir, running));
            app.KillHard();
        }
        Assert.Equal(2, Directory.EnumerateFiles(Path.Combine(dataDir, "uploads")).Count()); // both accepted videos survived

        using (var app = await AppProcess.StartAsync(dataDir, environment))
        {
            var (resumed, _) = await VideoJobTests.WaitForJobAsync(app.Client, $"/api/jobs/{running}", TimeSpan.FromSeconds(120));
            var (waited, _) = await VideoJobTests.WaitForJobAsync(app.Client, $"/api/jobs/{queued}", TimeSpan.FromSeconds(60));

            Assert.Equal(("succeeded", 2), (resumed.GetProperty("status").GetString(), resumed.GetProperty("attempts").GetInt32()));
            Assert.Equal(["Lover", "Midnights"], resumed.GetProperty("timeline").EnumerateArray().Select(s => s.GetProperty("era").GetString()));
            Assert.InRange(resumed.GetProperty("frames").GetArrayLength(), 145, 150); // a time in the last frame interval may have no frame to seek to
            Assert.Equal(("succeeded", 1), (waited.GetProperty("status").GetString(), waited.GetProperty("attempts").GetInt32()));

            // One prediction per video, however many runs it took; no upload left behind.
            var list = JsonDocument.Parse(await app.Client.GetStringAsync("/api/predictions?limit=100")).RootElement.GetProperty("items");
            Assert.Equal(2, list.GetArrayLength());
            Assert.Equal(
                new[] { resumed, waited }.Select(j => j.GetProperty("prediction_id").GetInt64()).Order(),
                list.EnumerateArray().Select(p => p.GetProperty("prediction_id").GetInt64()).Order());
            Assert.Empty(Directory.EnumerateFiles(Path.Combine(dataDir, "uploads")));
        }
    }

    static async Task<long> UploadAsync(HttpClient client, string path)
    {
        var response = await VideoJobTests.UploadVideoAsync(client, path, respondAsync: true);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("job_id").GetInt64();
    }

    static async Task<string?> JobStatusInDatabaseAsync(string dataDir, long id)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(dataDir, "eras.db")};Mode=ReadOnly");
        await connection.OpenAsync();
        var command = connection.CreateCommand();
        command.CommandText = "SELECT Status FROM VideoJobs WHERE Id = $id";
        command.Parameters.AddWithValue("$id", id);
        return (await command.ExecuteScalarAsync())?.ToString();
    }

    static async Task<JsonElement> JobAsync(HttpClient client, long id) =>
        JsonDocument.Parse(await client.GetStringAsync($"/api/jobs/{id}")).RootElement;
}
