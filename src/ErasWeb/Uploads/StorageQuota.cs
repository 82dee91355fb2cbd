using ErasWeb.Configuration;
using ErasWeb.Data;
using ErasWeb.Localisation;
using ErasWeb.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ErasWeb.Uploads;

/// <summary>The database has reached ERAS_MAX_DATABASE_BYTES: no new uploads until room is made.</summary>
public sealed class StorageFullException(string message) : Exception(message);

/// <summary>
/// Refuses new uploads once the database reaches ERAS_MAX_DATABASE_BYTES, so the disk never fills
/// under it; reading what is stored keeps working. Checked before an upload is read at all.
/// </summary>
public sealed class StorageQuota(ErasDb db, StorageModule storage, IOptions<ErasOptions> options)
{
    public async Task EnsureRoomAsync(CancellationToken ct)
    {
        long max = options.Value.MaxDatabaseBytes;
        if (max <= 0) return;
        if (await UsedBytesAsync(ct) >= max)
            throw new StorageFullException(Texts.Say("StorageFull"));
    }

    public Task<long> UsedBytesAsync(CancellationToken ct) => storage.UsedBytesAsync(db, ct);
}
