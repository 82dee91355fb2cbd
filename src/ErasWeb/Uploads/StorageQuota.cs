using ErasWeb.Configuration;
using ErasWeb.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ErasWeb.Uploads;

/// <summary>The database has reached ERAS_MAX_DATABASE_BYTES: no new uploads until room is made.</summary>
public sealed class StorageFullException(string message) : Exception(message);

/// <summary>
/// Refuses new uploads once the database reaches ERAS_MAX_DATABASE_BYTES, so the disk never fills
/// under it; reading what is stored keeps working. Checked before an upload is read at all.
/// </summary>
public sealed class StorageQuota(ErasDb db, IOptions<ErasOptions> options)
{
    public async Task EnsureRoomAsync(CancellationToken ct)
    {
        long max = options.Value.MaxDatabaseBytes;
        if (max <= 0) return;
        if (await UsedBytesAsync(ct) >= max)
            throw new StorageFullException("ErasWeb's storage is full, so it takes no new uploads for now. "
                + "Everything already uploaded can still be seen in the gallery; please try again later.");
    }

    /// <summary>
    /// On SQLite, the database file and its write-ahead log, less the free pages SQLite reuses before it
    /// grows the file: the file never shrinks by itself, so this is what makes room after retention deletes.
    /// On PostgreSQL, the database's size as the server reports it (space freed by deletes is reused after autovacuum).
    /// </summary>
    public async Task<long> UsedBytesAsync(CancellationToken ct)
    {
        if (db.Database.IsNpgsql())
            return await db.Database.SqlQueryRaw<long>("SELECT pg_database_size(current_database()) AS \"Value\"").SingleAsync(ct);
        var path = ErasDb.DatabasePath(options.Value.DataDirFullPath);
        long files = Length(path) + Length(path + "-wal");
        long free = await db.Database.SqlQueryRaw<long>("SELECT f.freelist_count * p.page_size AS Value FROM pragma_freelist_count() f, pragma_page_size() p")
            .SingleAsync(ct);
        return files - free;
    }

    static long Length(string path) => new FileInfo(path) is { Exists: true } file ? file.Length : 0;
}
