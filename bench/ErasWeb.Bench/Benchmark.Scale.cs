using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using ErasWeb.Training;
using Npgsql;

namespace ErasWeb.Bench;

/// <summary>
/// Several processes on one PostgreSQL database: video jobs a minute with one and two workers, and
/// photo throughput on PostgreSQL against SQLite. Needs PostgreSQL installed (scripts/postgres.sh starts a throw-away server).
/// </summary>
public sealed partial class Benchmark
{
    public const string ScaleHeading = "## Several processes";
    const int ScaleVideos = 8;
    const int ScaleFrames = 60;
    const int PhotoClients = 8;
    static readonly TimeSpan PhotoRun = TimeSpan.FromSeconds(45);

    public async Task ScaleAsync()
    {
        var work = Directory.CreateTempSubdirectory("erasweb-scale").FullName;
        var (serverDir, server) = StartPostgres();
        try
        {
            md.AppendLine(ScaleHeading).AppendLine();
            md.AppendLine($"Measured {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC by `dotnet run -c Release --project bench/ErasWeb.Bench -- ../shared/eras-photos BENCHMARKS.md scale` on {Machine()}, " +
                "every process on this one machine, PostgreSQL 15 included (a throw-away server with fsync off, as the tests use; a production server syncs its commits).").AppendLine();

            // Five-minute clips of four stage photos each (long enough that the jobs, not the uploads, take the time),
            // every upload made unique so each is a job of its own.
            var stage = LabelledPhotos.Load(photosDir).Select(p => p.Path).Where(p => p.Contains("/etl-")).ToList();
            var clips = Enumerable.Range(0, 4).Select(i => Clip(work, $"clip{i}.mp4", stage.Skip(i * 4).Take(4), 75, 640, 360, 25, [])).ToList();
            md.AppendLine("### Video jobs a minute").AppendLine();
            md.AppendLine($"{ScaleVideos} five-minute 640x360 videos queued through one web process (`ERAS_ROLE=web`), {ScaleFrames} frames sampled from each; then the workers " +
                "(`ERAS_ROLE=worker`, one job at a time each) start and drain the queue. Each process has a data directory of its own: the videos wait in the database, " +
                "and each worker streams the one it runs to a file of its own. Wall time is from the first job's start to the last one's end.").AppendLine();
            md.AppendLine("| workers | jobs | wall s | jobs a minute | mean job s | jobs per worker |");
            md.AppendLine("|---|---|---|---|---|---|");
            foreach (int workers in (int[])[1, 2])
                await VideoJobsRowAsync(server, workers, clips, work);
            md.AppendLine();

            md.AppendLine("### Photo throughput, PostgreSQL against SQLite").AppendLine();
            md.AppendLine($"One process (`ERAS_ROLE=all`), {PhotoClients} clients posting unique copies of the shared photos for {PhotoRun.TotalSeconds:0} s; every answer analysed and stored. " +
                "With the per-client photo limit on (set too high to refuse any), each photo is counted: in memory on SQLite, with one round trip to the rate window table on PostgreSQL " +
                "(all clients are one address here, so every count updates the same row).").AppendLine();
            md.AppendLine("| database | photo limit | photos | photos a second | p50 ms | p95 ms | errors |");
            md.AppendLine("|---|---|---|---|---|---|---|");
            var photos = LabelledPhotos.Load(photosDir).Select(p => (Name: Path.GetFileName(p.Path), Bytes: File.ReadAllBytes(p.Path))).ToList();
            await PhotoRowAsync("SQLite", null, limited: false, photos, work);
            await PhotoRowAsync("PostgreSQL", server, limited: false, photos, work);
            await PhotoRowAsync("PostgreSQL", server, limited: true, photos, work);
            md.AppendLine();
        }
        finally
        {
            RunScript("stop", serverDir);
            Directory.Delete(work, true);
        }
    }

    async Task VideoJobsRowAsync(string server, int workers, IReadOnlyList<string> clips, string work)
    {
        var database = await CreateDatabaseAsync(server);
        var dataDir = Directory.CreateDirectory(Path.Combine(work, $"videos-{workers}")).FullName;
        string OwnDir(string process) => Directory.CreateDirectory(Path.Combine(dataDir, process)).FullName;
        const string adminToken = "a-bench-admin-token-long-enough";
        var environment = Postgres(database, ("ERAS_VIDEO_QUEUE_MAX_JOBS_PER_CLIENT", "100"), ("ERAS_VIDEOS_PER_HOUR", "0"), ("ERAS_VIDEO_FRAMES", ScaleFrames.ToString()),
            ("ERAS_ADMIN_TOKEN", adminToken));
        var processes = new List<SoakServer>();
        try
        {
            var web = await SoakServer.StartAsync(OwnDir("web"), backboneSource, With(environment, "ERAS_ROLE", "web"));
            processes.Add(web);
            var uploads = Enumerable.Range(0, ScaleVideos).Select(i => UniqueClip(clips[i % clips.Count], work)).ToList();

            // The whole queue first, so the workers' pace is measured, not the uploads'.
            var urls = new List<string>();
            foreach (var bytes in uploads)
            {
                var path = Path.Combine(work, $"upload-{Guid.NewGuid():N}.mp4");
                await File.WriteAllBytesAsync(path, bytes);
                try { urls.Add(await SubmitVideoAsync(web.Client, path)); }
                finally { File.Delete(path); }
            }
            for (int i = 0; i < workers; i++) processes.Add(await SoakServer.StartAsync(OwnDir($"worker{i}"), backboneSource, With(environment, "ERAS_ROLE", "worker")));
            var jobs = new List<JsonElement>();
            // The admin's view of each job names the worker that ran it.
            web.Client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", adminToken);
            foreach (var url in urls)
                while (true)
                {
                    var job = JsonDocument.Parse(await web.Client.GetStringAsync(url.Replace("/api/jobs/", "/api/admin/jobs/"))).RootElement;
                    if (job.GetProperty("status").GetString() is "succeeded" or "failed") { jobs.Add(job); break; }
                    await Task.Delay(200);
                }
            double wall = (jobs.Max(j => j.GetProperty("finished_at").GetDateTime()) - jobs.Min(j => j.GetProperty("started_at").GetDateTime())).TotalSeconds;
            if (jobs.Any(j => j.GetProperty("status").GetString() != "succeeded"))
                throw new InvalidOperationException($"A video job failed: {jobs.First(j => j.GetProperty("status").GetString() != "succeeded")}");
            double meanJob = jobs.Average(j => (j.GetProperty("finished_at").GetDateTime() - j.GetProperty("started_at").GetDateTime()).TotalSeconds);
            var perWorker = jobs.GroupBy(j => j.GetProperty("worker").GetString()).Select(g => g.Count()).OrderDescending();
            md.AppendLine($"| {workers} | {jobs.Count} | {wall:0.0} | {jobs.Count / (wall / 60):0.0} | {meanJob:0.0} | {string.Join(" + ", perWorker)} |");
        }
        finally
        {
            foreach (var process in processes) await process.DisposeAsync();
            await DropDatabaseAsync(server, database);
        }
    }

    async Task PhotoRowAsync(string name, string? server, bool limited, IReadOnlyList<(string Name, byte[] Bytes)> photos, string work)
    {
        var database = server is null ? null : await CreateDatabaseAsync(server);
        var dataDir = Directory.CreateDirectory(Path.Combine(work, $"photos-{name}-{limited}")).FullName;
        var environment = database is null ? new Dictionary<string, string>() : Postgres(database);
        environment["ERAS_PHOTOS_PER_MINUTE"] = limited ? "1000000" : "0";
        try
        {
            await using var app = await SoakServer.StartAsync(dataDir, backboneSource, environment);
            var latencies = new ConcurrentBag<double>();
            int errors = 0;
            long next = -1;
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, PhotoClients).Select(_ => Task.Run(async () =>
            {
                while (clock.Elapsed < PhotoRun)
                {
                    var photo = photos[(int)(Interlocked.Increment(ref next) % photos.Count)];
                    var started = Stopwatch.GetTimestamp();
                    using var form = new MultipartFormDataContent { { new ByteArrayContent(Unique(photo.Bytes)), "file", photo.Name } };
                    var response = await app.Client.PostAsync("/predict", form);
                    if (response.StatusCode == HttpStatusCode.OK) latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    else Interlocked.Increment(ref errors);
                }
            })));
            var stats = Stats.Of(latencies.ToList());
            md.AppendLine($"| {name} | {(limited ? "on" : "off")} | {stats.Count} | {stats.Count / clock.Elapsed.TotalSeconds:0.0} | {stats.P50:0} | {stats.P95:0} | {errors} |");
        }
        finally
        {
            if (server is not null && database is not null) await DropDatabaseAsync(server, database);
        }
    }

    static Dictionary<string, string> Postgres(string database, params (string Key, string Value)[] more)
    {
        var environment = new Dictionary<string, string> { ["ERAS_DATABASE_PROVIDER"] = "postgres", ["ERAS_POSTGRES"] = database };
        foreach (var (key, value) in more) environment[key] = value;
        return environment;
    }

    static Dictionary<string, string> With(Dictionary<string, string> environment, string key, string value) => new(environment) { [key] = value };

    static async Task<string> CreateDatabaseAsync(string server)
    {
        var name = $"erasweb_bench_{Guid.NewGuid():N}";
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        await new NpgsqlCommand($"CREATE DATABASE {name}", connection).ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
    }

    static async Task DropDatabaseAsync(string server, string database)
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        await new NpgsqlCommand($"DROP DATABASE IF EXISTS {new NpgsqlConnectionStringBuilder(database).Database} WITH (FORCE)", connection).ExecuteNonQueryAsync();
    }

    /// <summary>A throw-away server from scripts/postgres.sh: its directory and connection string.</summary>
    static (string Directory, string ConnectionString) StartPostgres()
    {
        var lines = RunScript("start").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return (lines[0], lines[1]);
    }

    static string RunScript(params string[] arguments)
    {
        var start = new ProcessStartInfo("scripts/postgres.sh") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"scripts/postgres.sh {string.Join(' ', arguments)} failed (run the benchmark from the repository's root, with PostgreSQL installed): {error}");
        return output;
    }
}
