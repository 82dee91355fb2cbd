using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ErasWeb.Data;
using ErasWeb.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace ErasWeb.Tests.Videos;

/// <summary>
/// ERAS_ROLE on PostgreSQL: one web process and two workers, each its own process as in production, each
/// with a data directory of its own (as on machines of their own): they share the database and nothing else.
/// </summary>
[Trait("Category", "MultiProcess")]
public class WorkerProcessesTests(ITestOutputHelper output)
{
    const string AdminToken = "a-test-admin-token-that-is-long";

    [Fact]
    public async Task Videos_posted_to_the_web_process_are_run_by_two_workers_and_a_killed_or_stopped_workers_job_is_taken_over_exactly_once()
    {
        var (webDir, firstDir, secondDir) = (TestData.NewTempDir("roles-web"), TestData.NewTempDir("roles-worker"), TestData.NewTempDir("roles-worker"));
        var database = await TestDatabase.CreatePostgresAsync();
        var shared = new Dictionary<string, string>
        {
            ["ERAS_DATABASE_PROVIDER"] = "postgres",
            ["ERAS_POSTGRES"] = database,
            ["ERAS_ADMIN_TOKEN"] = AdminToken,
            // Many frames sought one by one: each job runs long enough to be caught running and killed.
            ["ERAS_VIDEO_FRAMES"] = "150",
            ["ERAS_JOB_RETAKE_SECONDS"] = "5",
            ["ERAS_VIDEO_QUEUE_MAX_JOBS_PER_CLIENT"] = "10", // every upload comes from 127.0.0.1
        };
        // All three start together on the empty database: the migrations and Hangfire's schema are applied once, whoever comes first.
        var starting = new[] { AppProcess.StartAsync(webDir, With(shared, "web")), AppProcess.StartAsync(firstDir, With(shared, "worker")), AppProcess.StartAsync(secondDir, With(shared, "worker")) };
        AppProcess? replacement = null;
        try
        {
            var (web, first, second) = (await starting[0], await starting[1], await starting[2]);
            // Which worker runs a job is told to the admin only.
            web.Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);

            // A worker serves its health, and nothing a visitor would ask for.
            Assert.Equal(HttpStatusCode.OK, (await first.Client.GetAsync("/health/ready")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await first.Client.GetAsync("/api/predictions")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await first.Client.GetAsync("/")).StatusCode);

            // A head made active through the web process is the one the workers answer with a few seconds later.
            var promoted = await AddCandidateHeadAsync(database);
            using (var activate = new HttpRequestMessage(HttpMethod.Post, $"/api/admin/model/versions/{promoted}/activate"))
            {
                activate.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
                Assert.Equal(HttpStatusCode.OK, (await web.Client.SendAsync(activate)).StatusCode);
            }
            var modelVersion = (await web.Client.GetFromJsonAsync<JsonElement>("/api/model")).GetProperty("model_version").GetString();
            await Eventually.TrueAsync(() => first.HasLogged(FollowedHead(promoted)) && second.HasLogged(FollowedHead(promoted)),
                "both workers to say they answer with the promoted head", TimeSpan.FromSeconds(60));

            var videos = new[]
            {
                TestVideos.Slideshow("one.mp4", 320, 180, (TestData.Photo("Lover/etl-7.jpeg"), 10), (TestData.Photo("Midnights/etl-34.jpeg"), 10)),
                TestVideos.Slideshow("two.mp4", 320, 180, (TestData.Photo("Red/etl-17.jpeg"), 10), (TestData.Photo("Lover/etl-3.jpeg"), 10)),
                TestVideos.Slideshow("three.mp4", 320, 180, (TestData.Photo("Midnights/etl-39.jpeg"), 4)),
                TestVideos.Slideshow("four.mp4", 320, 180, (TestData.Photo("Red/etl-18.jpeg"), 4)),
            };
            var jobs = new List<long>();
            foreach (var video in videos)
            {
                var response = await VideoJobTests.UploadVideoAsync(web.Client, video, respondAsync: true);
                Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
                jobs.Add((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("job_id").GetInt64());
            }

            // Both workers busy at once; then one of them dies mid-job.
            var running = await Eventually.WaitForAsync(async () =>
                {
                    Dictionary<long, string> running = [];
                    foreach (var id in jobs)
                        if (await JobAsync(web.Client, id) is { } job && IsUnderWay(job))
                            running[id] = job.GetProperty("worker").GetString()!;
                    return running;
                },
                running => running.Values.Distinct().Count() == 2, "both workers to take a job", TimeSpan.FromSeconds(120));
            var (victim, survivor, victimDir) = (first, second, firstDir);
            long interrupted = running.First(r => r.Value == Name(victim)).Key;
            victim.KillHard();

            var finished = new List<JsonElement>();
            foreach (var id in jobs) finished.Add((await VideoJobTests.WaitForJobAsync(web.Client, $"/api/admin/jobs/{id}", TimeSpan.FromSeconds(240))).Job);
            Assert.All(finished, job => Assert.Equal("succeeded", job.GetProperty("status").GetString()));
            var taken = finished[jobs.IndexOf(interrupted)];
            Assert.Equal((2, Name(survivor)), (taken.GetProperty("attempts").GetInt32(), taken.GetProperty("worker").GetString()));
            Assert.Equal(["Lover", "Midnights"], finished[0].GetProperty("timeline").EnumerateArray().Select(s => s.GetProperty("era").GetString()));
            Assert.All(finished, job => Assert.InRange(job.GetProperty("frames").GetArrayLength(), 1, 150));

            // Exactly one prediction per video, each with the promoted head, its pictures served by the web process.
            var list = (await web.Client.GetFromJsonAsync<JsonElement>("/api/predictions?limit=100")).GetProperty("items");
            Assert.Equal(
                finished.Select(j => j.GetProperty("prediction_id").GetInt64()).Order(),
                list.EnumerateArray().Select(p => p.GetProperty("prediction_id").GetInt64()).Order());
            foreach (var prediction in list.EnumerateArray())
            {
                Assert.Equal(modelVersion, prediction.GetProperty("model_version").GetString());
                var image = await web.Client.GetAsync($"/api/predictions/{prediction.GetProperty("prediction_id").GetInt64()}/image");
                Assert.Equal(("image/jpeg", HttpStatusCode.OK), (image.Content.Headers.ContentType?.MediaType, image.StatusCode));
            }
            // The uploads went with their jobs, from the database and from the disks of the web process and the survivor.
            Assert.Equal(0, await WaitingChunksAsync(database));
            Assert.Empty(Uploads(webDir));
            Assert.Empty(Uploads(secondDir));

            // A worker stopped gracefully mid-job (SIGTERM, as when a container is stopped) puts its job back in the queue: the next worker finishes it.
            var late = TestVideos.Slideshow("five.mp4", 320, 180, (TestData.Photo("Lover/etl-7.jpeg"), 10), (TestData.Photo("Red/etl-17.jpeg"), 10));
            var posted = await VideoJobTests.UploadVideoAsync(web.Client, late, respondAsync: true);
            long stopped = (await posted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("job_id").GetInt64();
            await Eventually.WaitForAsync(() => JobAsync(web.Client, stopped), job => job?.GetProperty("status").GetString() == "running", "the survivor to take the new job", TimeSpan.FromSeconds(60));
            // Paused the moment it is seen at work: on an idle machine the job takes about a second, and could end before the stop arrived.
            survivor.Freeze();
            await survivor.StopAsync();
            // In the killed worker's place, on its disk (as a restarted container keeps its volume): what the kill left there goes at start.
            Assert.NotEmpty(Uploads(victimDir));
            replacement = await AppProcess.StartAsync(victimDir, With(shared, "worker"));
            var (resumed, _) = await VideoJobTests.WaitForJobAsync(web.Client, $"/api/admin/jobs/{stopped}", TimeSpan.FromSeconds(120));
            Assert.Equal(("succeeded", 2, Name(replacement)), (resumed.GetProperty("status").GetString(), resumed.GetProperty("attempts").GetInt32(), resumed.GetProperty("worker").GetString()));

            // Nothing is left anywhere once every job has ended.
            Assert.Equal(0, await WaitingChunksAsync(database));
            Assert.All(new[] { webDir, firstDir, secondDir }, dir => Assert.Empty(Uploads(dir)));
        }
        finally
        {
            replacement?.Dispose();
            foreach (var start in starting)
            {
                try { (await start).Dispose(); }
                catch (Exception) when (!start.IsCompletedSuccessfully) { } // it never started; the test has failed already
            }
            await TestDatabase.DropPostgresAsync(database);
            foreach (var dir in new[] { webDir, firstDir, secondDir }) Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task A_300_MB_video_goes_through_the_database_with_each_process_growing_by_less_than_100_MB()
    {
        var (webDir, workerDir) = (TestData.NewTempDir("big-web"), TestData.NewTempDir("big-worker"));
        var database = await TestDatabase.CreatePostgresAsync();
        var shared = new Dictionary<string, string> { ["ERAS_DATABASE_PROVIDER"] = "postgres", ["ERAS_POSTGRES"] = database, ["ERAS_VIDEO_FRAMES"] = "20" };
        var starting = new[] { AppProcess.StartAsync(webDir, With(shared, "web")), AppProcess.StartAsync(workerDir, With(shared, "worker")) };
        try
        {
            var (web, worker) = (await starting[0], await starting[1]);
            // Noise does not compress: 12 s of it at 720p is about 330 MB.
            var big = TestVideos.Make("big.mp4", "-f", "lavfi", "-i", "testsrc2=s=1280x720:r=25,noise=alls=60:allf=t", "-t", "12", "-c:v", "mpeg4", "-q:v", "1", "-pix_fmt", "yuv420p");
            Assert.InRange(new FileInfo(big).Length, 300L * 1024 * 1024, 450L * 1024 * 1024);
            // A small video first, so what both processes set up once (the model's first runs, pools, buffers) is not counted.
            var small = TestVideos.Slideshow("warm-up.mp4", 320, 180, (TestData.Photo("Red/etl-17.jpeg"), 4));
            await PostAndWaitAsync(web, small);

            web.ResetPeakMemory();
            worker.ResetPeakMemory();
            var before = (Web: web.Memory().Resident, Worker: worker.Memory().Resident);
            // The worker's peak is read while it still has the video: it fetches, analyses, then forgets it.
            var job = await PostAndWaitAsync(web, big);
            var growth = (Web: web.Memory().Peak - before.Web, Worker: worker.Memory().Peak - before.Worker);
            output.WriteLine($"{new FileInfo(big).Length / 1048576} MB video: the web process grew by {growth.Web / 1048576} MB, the worker by {growth.Worker / 1048576} MB.");

            Assert.Equal("succeeded", job.GetProperty("status").GetString());
            Assert.True(growth.Web < 100 * 1024 * 1024, $"The web process grew by {growth.Web / 1048576} MB taking a {new FileInfo(big).Length / 1048576} MB video.");
            Assert.True(growth.Worker < 100 * 1024 * 1024, $"The worker grew by {growth.Worker / 1048576} MB running a {new FileInfo(big).Length / 1048576} MB video.");
            Assert.Equal(0, await WaitingChunksAsync(database));
            Assert.Empty(Uploads(webDir));
            Assert.Empty(Uploads(workerDir));
        }
        finally
        {
            foreach (var start in starting)
            {
                try { (await start).Dispose(); }
                catch (Exception) when (!start.IsCompletedSuccessfully) { }
            }
            await TestDatabase.DropPostgresAsync(database);
            foreach (var dir in new[] { webDir, workerDir }) Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Posts the video as a browser would, streamed from its file, and waits for its job to end.</summary>
    static async Task<JsonElement> PostAndWaitAsync(AppProcess web, string video)
    {
        using var form = new MultipartFormDataContent();
        var file = new StreamContent(File.OpenRead(video));
        file.Headers.ContentType = new MediaTypeHeaderValue("video/mp4");
        form.Add(file, "file", Path.GetFileName(video));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/predict") { Content = form };
        request.Headers.Add("Prefer", "respond-async");
        var response = await web.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("job_id").GetInt64();
        return (await VideoJobTests.WaitForJobAsync(web.Client, $"/api/jobs/{id}", TimeSpan.FromSeconds(240))).Job;
    }

    /// <summary>What a process's uploads folder holds (nothing, when it has none).</summary>
    static IEnumerable<string> Uploads(string dataDir) =>
        Directory.Exists(Path.Combine(dataDir, "uploads")) ? Directory.EnumerateFileSystemEntries(Path.Combine(dataDir, "uploads")) : [];

    static async Task<int> WaitingChunksAsync(string database)
    {
        await using var db = new PostgresErasDb(new DbContextOptionsBuilder<PostgresErasDb>().UseNpgsql(database).Options);
        return await db.WaitingUploadChunks.CountAsync();
    }

    static Dictionary<string, string> With(Dictionary<string, string> shared, string role) => new(shared) { ["ERAS_ROLE"] = role };

    static string Name(AppProcess process) => $"{Environment.MachineName}:{process.Id}";

    static bool IsUnderWay(JsonElement job) => job.GetProperty("status").GetString() == "running" && job.GetProperty("progress").GetInt32() >= 5;

    /// <summary>What a process logs once a head made active elsewhere answers in it too (ActiveHeadFollower).</summary>
    static string[] FollowedHead(long version) => [$"Model version {version} (head ", "made active by another process, now answers here too"];

    static async Task<JsonElement?> JobAsync(HttpClient client, long id) =>
        JsonDocument.Parse(await client.GetStringAsync($"/api/admin/jobs/{id}")).RootElement;

    /// <summary>A candidate version whose head is the shipped one in other bytes (so another version), as retraining would leave it.</summary>
    static async Task<long> AddCandidateHeadAsync(string database)
    {
        await using var db = new PostgresErasDb(new DbContextOptionsBuilder<PostgresErasDb>().UseNpgsql(database).Options);
        var json = await File.ReadAllTextAsync(TestData.CommittedHead) + "\n";
        var version = new ModelVersion
        {
            CreatedAtUtc = DateTime.UtcNow,
            Status = ModelVersionStatus.Candidate,
            HeadVersion = ErasWeb.Classification.EraHead.Parse(System.Text.Encoding.UTF8.GetBytes(json), "a test head").Version,
            HeadJson = json,
            Support = [],
        };
        db.ModelVersions.Add(version);
        await db.SaveChangesAsync();
        return version.Id;
    }
}
