using System.Data;
using ErasWeb.Configuration;
using ErasWeb.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ErasWeb.Storage;

/// <summary>
/// Uploads waiting for a worker: a video's file, or a night's folder of photos, each known by its name under
/// the uploads folder (<see cref="ErasOptions.UploadsDir"/>), where it is received and where the worker reads it.
/// Whether anything else holds it between the two is the database's business (<see cref="StorageModule"/>).
/// </summary>
public abstract class WaitingUploads(string uploadsDir)
{
    /// <summary>Where the upload named <paramref name="name"/> is read from, once fetched.</summary>
    public string PathOf(string name) => Path.Combine(uploadsDir, name);

    /// <summary>Hands the received upload over to be kept until a worker fetches it; the local copy may go.</summary>
    public abstract Task KeepAsync(string name, CancellationToken ct);

    /// <summary>Makes the upload readable at <see cref="PathOf"/> in this process; false when it is gone.</summary>
    public abstract Task<bool> FetchAsync(string name, CancellationToken ct);

    /// <summary>Deletes this process's fetched copy once it is done with it, however its run ended; the upload stays kept.</summary>
    public abstract void DropFetchedCopy(string name);

    /// <summary>Deletes the upload wherever it is kept (nothing happens when it is gone already).</summary>
    public abstract Task DeleteAsync(string name);

    /// <summary>Deletes kept uploads older than <paramref name="before"/> that no unfinished work names (<paramref name="inUse"/>).</summary>
    public abstract Task DeleteStraysAsync(IReadOnlySet<string> inUse, DateTime before, CancellationToken ct);

    /// <summary>Deletes the local copy, a file or a folder; false when it could not be (it is then left for the start-up sweep).</summary>
    protected bool DeleteLocal(string name)
    {
        var path = PathOf(name);
        try
        {
            if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
            else File.Delete(path);
            return true;
        }
        catch (IOException) { return false; }
    }
}

/// <summary>SQLite's one process: an upload waits where it was received, in the data directory.</summary>
public sealed class WaitingFiles(IOptions<ErasOptions> options) : WaitingUploads(options.Value.UploadsDir)
{
    public override Task KeepAsync(string name, CancellationToken ct) => Task.CompletedTask;

    public override Task<bool> FetchAsync(string name, CancellationToken ct) => Task.FromResult(File.Exists(PathOf(name)) || Directory.Exists(PathOf(name)));

    public override void DropFetchedCopy(string name) { } // the file is the upload

    public override Task DeleteAsync(string name)
    {
        DeleteLocal(name);
        return Task.CompletedTask;
    }

    /// <summary>The files are the uploads: <see cref="StrayUploadCleanup"/> sweeps the folder, and that is all.</summary>
    public override Task DeleteStraysAsync(IReadOnlySet<string> inUse, DateTime before, CancellationToken ct) => Task.CompletedTask;
}

/// <summary>
/// PostgreSQL's many processes, on as many machines: a received upload is copied into the database in pieces
/// (<see cref="WaitingUploadChunk"/>, a megabyte each, streamed both ways, never whole in memory) and its local
/// file deleted; the worker that runs its job streams it back to a file of its own (FFmpeg reads files). The
/// uploads folder is then each process's own scratch space, and a worker needs only the connection string.
/// </summary>
public sealed class WaitingRows(ErasDb db, IOptions<ErasOptions> options, TimeProvider clock) : WaitingUploads(options.Value.UploadsDir)
{
    public const int ChunkBytes = 1024 * 1024;

    /// <summary>Every file of the upload in one transaction: it is kept whole or not at all.</summary>
    public override async Task KeepAsync(string name, CancellationToken ct)
    {
        var path = PathOf(name);
        var files = Directory.Exists(path)
            ? Directory.EnumerateFiles(path).Select(f => (Name: $"{name}/{Path.GetFileName(f)}", Path: f)).ToList()
            : [(name, path)];
        var now = clock.GetUtcNow().UtcDateTime;
        var buffer = new byte[ChunkBytes];
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            var connection = (NpgsqlConnection)db.Database.GetDbConnection();
            foreach (var file in files)
            {
                await using var stream = new FileStream(file.Path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, useAsync: true);
                int index = 0, read;
                do
                {
                    read = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, ct);
                    if (read == 0 && index > 0) break; // an empty file is still one (empty) piece
                    await using var insert = new NpgsqlCommand("""INSERT INTO "WaitingUploadChunks" ("Name", "Index", "Data", "StoredAtUtc") VALUES ($1, $2, $3, $4)""",
                        connection, (NpgsqlTransaction)transaction.GetDbTransaction());
                    insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = file.Name });
                    insert.Parameters.Add(new NpgsqlParameter<int> { TypedValue = index++ });
                    insert.Parameters.Add(new NpgsqlParameter<ReadOnlyMemory<byte>> { TypedValue = buffer.AsMemory(0, read) });
                    insert.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = now });
                    await insert.ExecuteNonQueryAsync(ct);
                }
                while (read == buffer.Length);
            }
            await transaction.CommitAsync(ct);
        }
        DeleteLocal(name);
    }

    /// <summary>Written afresh each time (a copy a killed attempt left behind may be short), piece by piece as the rows arrive.</summary>
    public override async Task<bool> FetchAsync(string name, CancellationToken ct)
    {
        DeleteLocal(name);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var select = new NpgsqlCommand("""SELECT "Name", "Data" FROM "WaitingUploadChunks" WHERE "Name" = $1 OR starts_with("Name", $2) ORDER BY "Name", "Index" """, connection);
            select.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
            select.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name + "/" });
            await using var reader = await select.ExecuteReaderAsync(CommandBehavior.SequentialAccess, ct);
            FileStream? file = null;
            string? current = null;
            bool any = false;
            try
            {
                while (await reader.ReadAsync(ct))
                {
                    any = true;
                    var chunkName = reader.GetString(0);
                    if (chunkName != current)
                    {
                        if (file is not null) await file.DisposeAsync();
                        var target = PathOf(chunkName);
                        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                        file = new FileStream(target, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1, useAsync: true);
                        current = chunkName;
                    }
                    await using var data = await reader.GetStreamAsync(1, ct);
                    await data.CopyToAsync(file!, ct);
                }
            }
            finally
            {
                if (file is not null) await file.DisposeAsync();
            }
            return any;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    public override void DropFetchedCopy(string name) => DeleteLocal(name);

    public override async Task DeleteAsync(string name)
    {
        await db.Database.ExecuteSqlAsync($"""DELETE FROM "WaitingUploadChunks" WHERE "Name" = {name} OR starts_with("Name", {name + "/"})""", CancellationToken.None);
        DeleteLocal(name);
    }

    public override Task DeleteStraysAsync(IReadOnlySet<string> inUse, DateTime before, CancellationToken ct)
    {
        var names = inUse.ToArray();
        return db.Database.ExecuteSqlAsync(
            $"""DELETE FROM "WaitingUploadChunks" WHERE "StoredAtUtc" < {before} AND NOT (split_part("Name", '/', 1) = ANY({names}))""", ct);
    }
}
