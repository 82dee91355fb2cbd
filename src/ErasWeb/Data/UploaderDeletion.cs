using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;

namespace ErasWeb.Data;

/// <summary>Random tokens an uploader holds (delete tokens, access keys); only a delete token's hash is stored.</summary>
public static class UploaderTokens
{
    public static string New() => System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(24));

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>Whether <paramref name="token"/> is the one whose hash is stored, in constant time.</summary>
    public static bool Matches(string? storedHash, string? token) =>
        storedHash is not null && !string.IsNullOrEmpty(token)
        && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(storedHash), Encoding.ASCII.GetBytes(Hash(token)));
}

/// <summary>What an uploader may name when deleting an upload: any row the upload made.</summary>
public enum UploadRow { Prediction, VideoJob, Night }

/// <summary>
/// An uploader's deletion. Every row made from one upload carries the hash of the delete token the
/// upload was answered with: the prediction, the answers a gallery re-run made of it, a video's job,
/// a night and every photo's prediction in it.
/// So the token reaches all of them at once, whichever of them it is presented with.
/// </summary>
public static class UploaderDeletion
{
    /// <summary>
    /// Deletes everything made from the upload that <paramref name="id"/> belongs to, hidden and unlisted
    /// rows too, for the token alone decides. False alike for no such row and a wrong token, so the
    /// answer tells nothing about uploads that are not the caller's.
    /// </summary>
    public static async Task<bool> DeleteUploadAsync(this ErasDb db, UploadRow row, long id, string? token, Func<string, Task> deleteWaiting, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(token)) return false;
        var stored = await (row switch
        {
            UploadRow.VideoJob => db.VideoJobs.Where(j => j.Id == id).Select(j => j.DeleteTokenHash),
            UploadRow.Night => db.Nights.EveryRow().Where(n => n.Id == id).Select(n => (string?)n.DeleteTokenHash),
            _ => db.Predictions.EveryRow().Where(p => p.Id == id).Select(p => p.DeleteTokenHash),
        }).FirstOrDefaultAsync(ct);
        if (!UploaderTokens.Matches(stored, token)) return false;
        await db.DeleteUploadedWithAsync(stored!, deleteWaiting, ct);
        return true;
    }

    /// <summary>
    /// Deletes, in one transaction, every row stored under <paramref name="tokenHash"/> (predictions with
    /// their pictures, frames, votes and feedback by cascade; video jobs, and any other job answered with
    /// those predictions; nights with their photos), then the uploads still waiting for a worker (<paramref name="deleteWaiting"/>, by name).
    /// A job or night running at that moment can no longer store its result: its row is gone.
    /// </summary>
    public static async Task DeleteUploadedWithAsync(this ErasDb db, string tokenHash, Func<string, Task> deleteWaiting, CancellationToken ct)
    {
        List<string> waiting;
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            var predictions = db.Predictions.EveryRow().Where(p => p.DeleteTokenHash == tokenHash);
            var jobs = db.VideoJobs.Where(j => j.DeleteTokenHash == tokenHash || predictions.Any(p => p.Id == j.PredictionId));
            var nights = db.Nights.EveryRow().Where(n => n.DeleteTokenHash == tokenHash);
            waiting = [.. await jobs.Where(j => j.UploadFile != null).Select(j => j.UploadFile!).ToListAsync(ct),
                .. await nights.Where(n => n.UploadFolder != null).Select(n => n.UploadFolder!).ToListAsync(ct)];
            await jobs.ExecuteDeleteAsync(ct);
            await nights.ExecuteDeleteAsync(ct);
            await predictions.ExecuteDeleteAsync(ct);
            await transaction.CommitAsync(ct);
        }
        foreach (var name in waiting) await deleteWaiting(name); // what is left behind, the start-up sweep removes
    }
}
