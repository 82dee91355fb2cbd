using ErasWeb.Classification;
using ErasWeb.Configuration;
using ErasWeb.Data;
using Hangfire;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace ErasWeb.Storage;

/// <summary>
/// Any number of web and worker processes on one PostgreSQL database (<see cref="PostgresErasDb"/>, its own
/// migrations). The job queue is Hangfire's tables in the same database and outlives every process: a job
/// whose worker died turns visible again after <see cref="ErasOptions.JobRetakeSeconds"/> for another to take,
/// <see cref="JobQueueRepair"/> re-queues rows whose place in it was lost, and <see cref="ActiveHeadFollower"/>
/// takes up a model version another process made active. Nothing is shared through the file system: uploads
/// waiting for a worker, cookie keys and secrets are in the database too, so a process on another machine needs
/// only the connection string, and its data directory is a cache of its own.
/// </summary>
public sealed class PostgresStorage(ErasOptions options) : StorageModule
{
    public override bool SharedByProcesses => true;

    public override void AddContext(IServiceCollection services)
    {
        services.AddDbContext<ErasDb, PostgresErasDb>(db => PostgresErasDb.Configure(db, options.Postgres));
        services.AddScoped(sp => (PostgresErasDb)sp.GetRequiredService<ErasDb>());
        services.AddScoped<WaitingUploads, WaitingRows>();
    }

    public override void PersistKeys(IDataProtectionBuilder keys) => keys.PersistKeysToDbContext<PostgresErasDb>();

    /// <summary>Racing first askers both insert; one row wins, and both read it.</summary>
    public override byte[] Secret(IServiceProvider services, string name)
    {
        using var scope = services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ErasDb>();
        var made = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        db.Database.ExecuteSql($"""INSERT INTO "ServerSecrets" ("Name", "Value") VALUES ({name}, {made}) ON CONFLICT ("Name") DO NOTHING""");
        return db.Database.SqlQuery<byte[]>($"""SELECT "Value" AS "Value" FROM "ServerSecrets" WHERE "Name" = {name}""").AsEnumerable().Single();
    }

    public override void AddJobQueue(IServiceCollection services)
    {
        services.AddSingleton<JobStorage>(_ =>
        {
            var storage = new Hangfire.PostgreSql.PostgreSqlStorageOptions
            {
                InvisibilityTimeout = TimeSpan.FromSeconds(options.JobRetakeSeconds),
                UseSlidingInvisibilityTimeout = true, // a long job stays taken while its worker lives
                QueuePollInterval = TimeSpan.FromSeconds(1),
            };
            return new Hangfire.PostgreSql.PostgreSqlStorage(new Hangfire.PostgreSql.Factories.NpgsqlConnectionFactory(options.Postgres, storage), storage);
        });
        services.AddHostedService<ActiveHeadFollower>();
        services.AddHostedService<JobQueueRepair>();
        services.AddPostgresRateWindows(options.Postgres);
    }

    /// <summary>
    /// Processes starting together take turns, under an advisory lock held by this connection for the whole run: EF Core's
    /// own lock on the migrations history let two processes on a new database apply the same migration now and then.
    /// </summary>
    public override async Task MigrateAsync(ErasDb db, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_lock({(int)CrossProcessLock.Migration}, 0)", ct);
            try { await db.Database.MigrateAsync(ct); }
            finally { await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_unlock({(int)CrossProcessLock.Migration}, 0)", CancellationToken.None); }
        }
        finally { await db.Database.CloseConnectionAsync(); }
    }

    /// <summary>A transaction holding an advisory lock on (<paramref name="lock"/>, <paramref name="id"/>) until it ends; other steps write side by side.</summary>
    public override async Task<IDbContextTransaction> TakeTurnAsync(ErasDb db, CrossProcessLock @lock, long id, CancellationToken ct)
    {
        var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({(int)@lock}, {(int)(id % int.MaxValue)})", ct);
        return transaction;
    }

    /// <summary>The database's size as the server reports it (space freed by deletes is reused after autovacuum).</summary>
    public override Task<long> UsedBytesAsync(ErasDb db, CancellationToken ct) =>
        db.Database.SqlQueryRaw<long>("SELECT pg_database_size(current_database()) AS \"Value\"").SingleAsync(ct);
}
