using ErasWeb.Configuration;
using ErasWeb.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore.Storage;

namespace ErasWeb.Storage;

/// <summary>
/// Everything that differs between the two databases ErasWeb runs on, in one place: the context and
/// its migrations, how a check-then-write step takes its turn, the job queue and what becomes of
/// unfinished work after a crash, how much room the data takes, and whether other processes share it.
/// The rest of the app asks this, never which database is in use.
/// </summary>
public abstract class StorageModule
{
    public static StorageModule For(ErasOptions options) => options.UsesPostgres ? new PostgresStorage(options) : new SqliteStorage(options);

    /// <summary>Whether other processes write the same data: their changes are then looked for, as nothing in this process signals them.</summary>
    public abstract bool SharedByProcesses { get; }

    /// <summary>Registers <see cref="ErasDb"/> on this database, and <see cref="WaitingUploads"/> where this database keeps them.</summary>
    public abstract void AddContext(IServiceCollection services);

    /// <summary>Where the keys protecting cookies (admin, antiforgery, voters) are kept: with the data, so cookies outlive a restart and any web process reads them.</summary>
    public abstract void PersistKeys(IDataProtectionBuilder keys);

    /// <summary>A random 32-byte key every process uses alike, made by the first that asks for <paramref name="name"/>.</summary>
    public abstract byte[] Secret(IServiceProvider services, string name);

    /// <summary>
    /// Registers the job queue's storage and what looks after unfinished work (every <see cref="QueuedWork"/> kind):
    /// queued again at start-up, or repaired while running, and whatever else this database needs kept in step.
    /// </summary>
    public abstract void AddJobQueue(IServiceCollection services);

    /// <summary>Brings the database up to date; the first start-up step.</summary>
    public abstract Task MigrateAsync(ErasDb db, CancellationToken ct);

    /// <summary>
    /// A transaction in which this step runs alone: whoever takes the same <paramref name="lock"/> on the
    /// same <paramref name="id"/>, in this process or another, waits until it ends. Commit it when done;
    /// disposing it uncommitted rolls back. Every check-then-write takes one, on either database.
    /// </summary>
    public abstract Task<IDbContextTransaction> TakeTurnAsync(ErasDb db, CrossProcessLock @lock, long id, CancellationToken ct);

    public Task<IDbContextTransaction> TakeTurnAsync(ErasDb db, CrossProcessLock @lock, CancellationToken ct) => TakeTurnAsync(db, @lock, 0, ct);

    /// <summary>The bytes the data takes on disk, less room the database reuses before it grows (what ERAS_MAX_DATABASE_BYTES bounds).</summary>
    public abstract Task<long> UsedBytesAsync(ErasDb db, CancellationToken ct);
}

/// <summary>The check-then-write steps that take turns (<see cref="StorageModule.TakeTurnAsync(ErasDb, CrossProcessLock, long, CancellationToken)"/>).</summary>
public enum CrossProcessLock
{
    VideoQueue = 1,
    VideoQueueRepair,
    RetrainStart,
    GalleryRerunStart,
    ModelActivation,
    FanVote,
    Migration,
}
