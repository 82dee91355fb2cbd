using ErasWeb.Configuration;
using ErasWeb.Data;
using ErasWeb.Retraining;
using ErasWeb.Storage;
using ErasWeb.Tests.Support;
using Hangfire;
using Hangfire.InMemory;
using Microsoft.EntityFrameworkCore;
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
        var options = new ErasOptions { DataDir = dataDir };
        if (TestDatabase.OnPostgres)
        {
            postgres = await TestDatabase.CreatePostgresAsync();
            options.DatabaseProvider = DatabaseProviders.Postgres;
            options.Postgres = postgres;
        }
        storage = StorageModule.For(options);
        var collection = new ServiceCollection();
        collection.AddSingleton(storage);
        storage.AddContext(collection);
        collection.AddSingleton(Options.Create(options));
        collection.AddSingleton(TimeProvider.System);
        collection.AddSingleton<IBackgroundJobClient>(new BackgroundJobClient(new InMemoryStorage()));
        collection.AddScoped<RetrainScheduler>();
        collection.AddScoped<GalleryRerunScheduler>();
        services = collection.BuildServiceProvider();
        await using var scope = services.CreateAsyncScope();
        await storage.MigrateAsync(scope.ServiceProvider.GetRequiredService<ErasDb>(), CancellationToken.None);
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
        var firstDb = first.ServiceProvider.GetRequiredService<ErasDb>();
        var turn = await storage.TakeTurnAsync(firstDb, CrossProcessLock.RetrainStart, CancellationToken.None);
        firstDb.RetrainRuns.Add(new RetrainRun { Status = WorkStatus.Queued, Trigger = "first", CreatedAtUtc = DateTime.UtcNow });
        await firstDb.SaveChangesAsync();

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
        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ErasDb>();
            for (int i = 0; i < 40; i++)
                db.ModelVersions.Add(new ModelVersion { Status = ModelVersionStatus.Candidate, HeadVersion = $"h{i}", HeadJson = RandomText(64 * 1024), Support = [], CreatedAtUtc = DateTime.UtcNow });
            await db.SaveChangesAsync();
        }
        long after = await CountAsync(db => storage.UsedBytesAsync(db, CancellationToken.None));

        Assert.True(after - before >= 1024 * 1024, $"Storing about 2.5 MB moved the used bytes from {before} to {after}.");
    }

    /// <summary>Text that does not compress, so the database keeps its full size.</summary>
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

    async Task<T> CountAsync<T>(Func<ErasDb, Task<T>> query)
    {
        await using var scope = services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<ErasDb>());
    }

    public async Task DisposeAsync()
    {
        await services.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (postgres is not null) await TestDatabase.DropPostgresAsync(postgres);
        try { Directory.Delete(dataDir, recursive: true); } catch (IOException) { }
    }
}
