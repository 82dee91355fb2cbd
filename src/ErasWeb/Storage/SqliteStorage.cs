using System.Data;
using ErasWeb.Configuration;
using ErasWeb.Data;
using Hangfire;
using Hangfire.InMemory;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace ErasWeb.Storage;

/// <summary>
/// One process on a SQLite file in the data directory (WAL mode, so readers never wait for the writer).
/// Hangfire's queue is in memory: what must survive a restart is in our tables, and <see cref="RequeueAtStart"/>
/// queues unfinished work again when the process starts.
/// </summary>
public sealed class SqliteStorage(ErasOptions options) : StorageModule
{
    public override bool SharedByProcesses => false;

    public override void AddContext(IServiceCollection services)
    {
        services.AddDbContext<ErasDb>(db => ErasDb.ConfigureSqlite(db, options.DataDirFullPath));
        services.AddSingleton<WaitingUploads, WaitingFiles>();
    }

    public override void PersistKeys(IDataProtectionBuilder keys) => keys.PersistKeysToFileSystem(new DirectoryInfo(KeysDir));

    /// <summary>Made by the first asker of this one process, while racing askers wait, and written whole under another name before it is moved into place.</summary>
    public override byte[] Secret(IServiceProvider services, string name)
    {
        var path = Path.Combine(KeysDir, name + ".key");
        lock (secrets)
        {
            if (!File.Exists(path)) Files.AtomicFile.WriteAllBytes(path, System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
            return File.ReadAllBytes(path);
        }
    }

    readonly Lock secrets = new();

    string KeysDir => Path.Combine(options.DataDirFullPath, "keys");

    public override void AddJobQueue(IServiceCollection services)
    {
        services.AddSingleton<JobStorage>(new InMemoryStorage());
        services.AddHostedService<RequeueAtStart>();
    }

    /// <remarks>WAL mode is persistent in the file. Each connection also sets synchronous=NORMAL (see ErasDb): with WAL that
    /// cannot corrupt the database and loses nothing when the process dies, only the last commits on a power cut.</remarks>
    public override async Task MigrateAsync(ErasDb db, CancellationToken ct)
    {
        Directory.CreateDirectory(options.DataDirFullPath);
        await db.Database.MigrateAsync(ct);
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
    }

    /// <summary>
    /// BEGIN IMMEDIATE (which Serializable asks for): the transaction holds the database's one write lock
    /// from its start, so every turn, whatever its lock and id, waits for the one before to end.
    /// </summary>
    public override async Task<IDbContextTransaction> TakeTurnAsync(ErasDb db, CrossProcessLock @lock, long id, CancellationToken ct) =>
        await db.Database.BeginTransactionAsync(IsolationLevel.Serializable, ct);

    /// <summary>
    /// The database's pages in use (its page count less the free pages SQLite reuses before it grows the file),
    /// wherever they are: in the file or still in the write-ahead log. Not the files' lengths: when its last
    /// connection closes, SQLite moves the log into the file and deletes it, so those drop by up to megabytes
    /// with nothing deleted, and a full database would take uploads again.
    /// </summary>
    public override async Task<long> UsedBytesAsync(ErasDb db, CancellationToken ct) =>
        await db.Database.SqlQueryRaw<long>("SELECT (c.page_count - f.freelist_count) * p.page_size AS Value FROM pragma_page_count() c, pragma_freelist_count() f, pragma_page_size() p")
            .SingleAsync(ct);
}
