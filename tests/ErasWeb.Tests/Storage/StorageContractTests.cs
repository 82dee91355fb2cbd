using ErasWeb.Configuration;
using ErasWeb.Data;
using ErasWeb.Retraining;
using ErasWeb.Storage;
using ErasWeb.Tests.Support;
using Hangfire;
using Hangfire.InMemory;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;

namespace ErasWeb.Tests.Storage;

/// <summary>
/// What every storage module promises, checked on the database the tests run on (SQLite, and PostgreSQL
/// in the second pass): each check-then-write takes its turn, so racing starts make one run.
/// The queue is Hangfire's in-memory storage with no server, so what is queued stays queued.
/// </summary>
[Trait("Category", "Storage")]
public sealed class StorageContractTests : IAsyncLifetime
{
    readonly string dataDir = TestData.NewTempDir("storage");
    string? postgres;
    ServiceProvider services = null!;
    StorageModule storage = null!;

    public async Task InitializeAsync()
    {
        if (TestDatabase.OnPostgres) postgres = await TestDatabase.CreatePostgresAsync();
        (storage, services) = Build(dataDir);
        await using var scope = services.CreateAsyncScope();
        await storage.MigrateAsync(scope.ServiceProvider.GetRequiredService<ErasDb>(), CancellationToken.None);
    }

    /// <summary>The storage module and services of a process with its own data directory, on the test's database.</summary>
    (StorageModule, ServiceProvider) Build(string dir)
    {
        var options = new ErasOptions { DataDir = dir };
        if (postgres is not null)
        {
            options.DatabaseProvider = DatabaseProviders.Postgres;
            options.Postgres = postgres;
        }
        var module = StorageModule.For(options);
        var collection = new ServiceCollection();
        collection.AddSingleton(module);
        module.AddContext(collection);
        collection.AddSingleton(Options.Create(options));
        collection.AddSingleton(TimeProvider.System);
        collection.AddSingleton<IBackgroundJobClient>(new BackgroundJobClient(new InMemoryStorage()));
        collection.AddScoped<RetrainScheduler>();
        collection.AddScoped<GalleryRerunScheduler>();
        return (module, collection.BuildServiceProvider());
    }

    [Fact]
    public async Task Retrainings_started_at_once_make_one_run()
    {
        var runs = await AtOnceAsync(8, scope => scope.GetRequiredService<RetrainScheduler>().StartAsync("admin", CancellationToken.None));

        Assert.Single(runs.Select(r => r.Id).Distinct());
        Assert.Equal(1, await CountAsync(db => db.RetrainRuns.CountAsync()));
    }

    [Fact]
    public async Task Gallery_reruns_started_at_once_make_one_run()
    {
        var runs = await AtOnceAsync(8, scope => scope.GetRequiredService<GalleryRerunScheduler>().StartAsync(CancellationToken.None));

        Assert.Single(runs.Select(r => r.Id).Distinct());
        Assert.Equal(1, await CountAsync(db => db.GalleryReruns.CountAsync()));
    }

    [Fact]
    public async Task A_turn_waits_for_the_one_before_to_end()
    {
        await using var first = services.CreateAsyncScope();
        var turn = await TakeTurnWritingARunAsync(first);

        var second = Task.Run(async () =>
        {
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ErasDb>();
            await using var next = await storage.TakeTurnAsync(db, CrossProcessLock.RetrainStart, CancellationToken.None);
            // Within its turn the step sees everything the turn before it wrote.
            return await db.RetrainRuns.CountAsync();
        });
        var ended = await Task.WhenAny(second, Task.Delay(TimeSpan.FromMilliseconds(500)));
        Assert.True(ended != second, second.IsFaulted ? $"The second turn failed: {second.Exception!.InnerException}" : "A second turn on the same lock began while the first was still held.");

        await turn.CommitAsync();
        await turn.DisposeAsync();
        Assert.Equal(1, await second.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Used_bytes_grow_with_what_is_stored()
    {
        long before = await CountAsync(db => storage.UsedBytesAsync(db, CancellationToken.None));
        await StoreAboutTwoAndAHalfMegabytesAsync();
        long after = await CountAsync(db => storage.UsedBytesAsync(db, CancellationToken.None));

        Assert.True(after - before >= 1024 * 1024, $"Storing about 2.5 MB moved the used bytes from {before} to {after}.");
    }

    [Fact]
    [Trait("Database", "sqlite")] // SQLite's write-ahead log; PostgreSQL's checkpoints are the server's own
    public async Task Used_bytes_stay_when_sqlite_moves_its_log_into_the_file()
    {
        await StoreAboutTwoAndAHalfMegabytesAsync();
        long before = await CountAsync(db => storage.UsedBytesAsync(db, CancellationToken.None));

        // What SQLite does when its last connection closes: the log goes into the file and is emptied.
        var log = ErasDb.DatabasePath(Path.GetFullPath(dataDir)) + "-wal";
        Assert.True(new FileInfo(log).Length > 1024 * 1024, "the rows are still in the log");
        await CountAsync(db => db.Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(TRUNCATE)"));
        Assert.Equal(0, new FileInfo(log).Length);
        long after = await CountAsync(db => storage.UsedBytesAsync(db, CancellationToken.None));

        Assert.Equal(before, after);
    }

    [Fact]
    [Trait("Database", "sqlite")] // how a busy write is waited out is SQLite's own question
    public async Task A_sqlite_write_that_meets_another_waits_in_sqlite_for_it_to_end()
    {
        await using var first = services.CreateAsyncScope();
        var turn = await TakeTurnWritingARunAsync(first);

        var second = Task.Run(() => CountAsync(async db =>
        {
            // Left to Microsoft.Data.Sqlite, a busy write is retried every 150 ms until this timeout and then fails;
            // SQLite's own busy wait (busy_timeout) outlasts it, and writes as soon as the first write ends.
            db.Database.SetCommandTimeout(1);
            db.RetrainRuns.Add(new RetrainRun { Status = WorkStatus.Queued, Trigger = "second", CreatedAtUtc = DateTime.UtcNow });
            await db.SaveChangesAsync();
            return await db.RetrainRuns.CountAsync();
        }));
        // The first write is held past the second's timeout.
        await Task.Delay(TimeSpan.FromSeconds(2));
        await turn.CommitAsync();
        await turn.DisposeAsync();

        Assert.Equal(2, await second.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task A_kept_upload_is_fetched_whole_and_then_deleted_everywhere()
    {
        await using var scope = services.CreateAsyncScope();
        var uploads = scope.ServiceProvider.GetRequiredService<WaitingUploads>();
        // A video of a few pieces (not a whole number of them), and a night's folder with an empty photo in it.
        var video = RandomBytes(WaitingRows.ChunkBytes * 2 + 12345);
        var photos = new[] { RandomBytes(70_000), [], RandomBytes(WaitingRows.ChunkBytes) };
        Directory.CreateDirectory(Path.GetDirectoryName(uploads.PathOf("v.video"))!);
        await File.WriteAllBytesAsync(uploads.PathOf("v.video"), video);
        Directory.CreateDirectory(uploads.PathOf("night-a"));
        for (int i = 0; i < photos.Length; i++) await File.WriteAllBytesAsync(Path.Combine(uploads.PathOf("night-a"), i.ToString()), photos[i]);
        await uploads.KeepAsync("v.video", CancellationToken.None);
        await uploads.KeepAsync("night-a", CancellationToken.None);

        // Fetched by this process and, where processes share the database, by one with a data directory of its own.
        var otherDir = TestData.NewTempDir("storage-other");
        var (_, other) = Build(otherDir);
        try
        {
            foreach (var provider in storage.SharedByProcesses ? [services, other] : new[] { services })
            {
                await using var fetching = provider.CreateAsyncScope();
                var fetcher = fetching.ServiceProvider.GetRequiredService<WaitingUploads>();
                Assert.True(await fetcher.FetchAsync("v.video", CancellationToken.None));
                Assert.True(await fetcher.FetchAsync("night-a", CancellationToken.None));
                Assert.Equal(video, await File.ReadAllBytesAsync(fetcher.PathOf("v.video")));
                for (int i = 0; i < photos.Length; i++) Assert.Equal(photos[i], await File.ReadAllBytesAsync(Path.Combine(fetcher.PathOf("night-a"), i.ToString())));
            }

            await uploads.DeleteAsync("v.video");
            await uploads.DeleteAsync("night-a");
            Assert.False(File.Exists(uploads.PathOf("v.video")) || Directory.Exists(uploads.PathOf("night-a")));
            Assert.False(await uploads.FetchAsync("v.video", CancellationToken.None));
            Assert.False(await uploads.FetchAsync("night-a", CancellationToken.None));
            if (storage.SharedByProcesses)
            {
                await using var otherScope = other.CreateAsyncScope();
                Assert.False(await otherScope.ServiceProvider.GetRequiredService<WaitingUploads>().FetchAsync("v.video", CancellationToken.None));
                Assert.Equal(0, await CountAsync(db => ((PostgresErasDb)db).WaitingUploadChunks.CountAsync()));
            }
        }
        finally
        {
            await other.DisposeAsync();
            Directory.Delete(otherDir, recursive: true);
        }
    }

    [Fact]
    public async Task Kept_uploads_no_work_names_are_swept_once_old_and_those_in_use_stay()
    {
        await using var scope = services.CreateAsyncScope();
        var uploads = scope.ServiceProvider.GetRequiredService<WaitingUploads>();
        Directory.CreateDirectory(Path.GetDirectoryName(uploads.PathOf("x"))!);
        foreach (var name in new[] { "stray.video", "used.video" })
        {
            await File.WriteAllBytesAsync(uploads.PathOf(name), RandomBytes(1000));
            await uploads.KeepAsync(name, CancellationToken.None);
        }

        await uploads.DeleteStraysAsync(new HashSet<string> { "used.video" }, DateTime.UtcNow.AddMinutes(-1), CancellationToken.None);
        Assert.True(await uploads.FetchAsync("stray.video", CancellationToken.None)); // too young to be a stray
        await uploads.DeleteStraysAsync(new HashSet<string> { "used.video" }, DateTime.UtcNow.AddMinutes(1), CancellationToken.None);

        Assert.True(await uploads.FetchAsync("used.video", CancellationToken.None));
        // On SQLite the files are the uploads, swept with the folder at start-up (StrayUploadCleanup), not here.
        Assert.Equal(!storage.SharedByProcesses, await uploads.FetchAsync("stray.video", CancellationToken.None));
    }

    [Fact]
    public async Task A_secret_is_made_once_and_every_process_reads_the_same()
    {
        var secrets = await AtOnceAsync(8, provider => Task.Run(() => storage.Secret(provider, "test")));
        var (otherStorage, other) = Build(dataDir);
        await using (other)
        {
            var again = otherStorage.Secret(other, "test");
            Assert.Single(secrets.Append(again).Select(Convert.ToHexString).Distinct());
            Assert.Equal(32, again.Length);
            Assert.NotEqual(again, otherStorage.Secret(other, "another"));
        }
    }

    static byte[] RandomBytes(int length) => System.Security.Cryptography.RandomNumberGenerator.GetBytes(length);

    /// <summary>Text that does not compress, so the database keeps its full size.</summary>
    /// <summary>40 rows of 64 KB of text that does not compress.</summary>
    async Task StoreAboutTwoAndAHalfMegabytesAsync()
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ErasDb>();
        for (int i = 0; i < 40; i++)
            db.ModelVersions.Add(new ModelVersion { Status = ModelVersionStatus.Candidate, HeadVersion = $"h{i}", HeadJson = RandomText(64 * 1024), Support = [], CreatedAtUtc = DateTime.UtcNow });
        await db.SaveChangesAsync();
    }

    static string RandomText(int length) => Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(length / 2));

    async Task<T[]> AtOnceAsync<T>(int count, Func<IServiceProvider, Task<T>> step)
    {
        using var start = new ManualResetEventSlim();
        var steps = Enumerable.Range(0, count).Select(_ => Task.Run(async () =>
        {
            await using var scope = services.CreateAsyncScope();
            start.Wait();
            return await step(scope.ServiceProvider);
        })).ToArray();
        start.Set();
        return await Task.WhenAll(steps);
    }

    /// <summary>A turn taken in <paramref name="scope"/> with one retraining run written in it: the database's write is held until the turn ends.</summary>
    async Task<IDbContextTransaction> TakeTurnWritingARunAsync(AsyncServiceScope scope)
    {
        var db = scope.ServiceProvider.GetRequiredService<ErasDb>();
        var turn = await storage.TakeTurnAsync(db, CrossProcessLock.RetrainStart, CancellationToken.None);
        db.RetrainRuns.Add(new RetrainRun { Status = WorkStatus.Queued, Trigger = "first", CreatedAtUtc = DateTime.UtcNow });
        await db.SaveChangesAsync();
        return turn;
    }

    async Task<T> CountAsync<T>(Func<ErasDb, Task<T>> query)
    {
        await using var scope = services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<ErasDb>());
    }

    public async Task DisposeAsync()
    {
        await services.DisposeAsync();
        TestDatabase.ClearSqlitePool(dataDir);
        if (postgres is not null) await TestDatabase.DropPostgresAsync(postgres);
        try { Directory.Delete(dataDir, recursive: true); } catch (IOException) { }
    }
}
