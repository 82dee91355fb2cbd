using System.Text;
using ErasWeb.Classification;
using ErasWeb.Data;
using ErasWeb.Storage;
using Microsoft.EntityFrameworkCore;

namespace ErasWeb.Retraining;

/// <summary>A model version as the API lists it.</summary>
public sealed record ModelVersionResponse(
    long Id, DateTime CreatedAt, string Status, string HeadVersion, double Accuracy, double MacroF1, double? BaselineAccuracy, double? BaselineMacroF1,
    int Labels, IReadOnlyDictionary<string, int> Support, string? Verdict, DateTime? ActivatedAt)
{
    public static ModelVersionResponse Of(ModelVersion v) => new(v.Id, DateTime.SpecifyKind(v.CreatedAtUtc, DateTimeKind.Utc), v.Status.Text(), v.HeadVersion,
        v.Accuracy, v.MacroF1, v.BaselineAccuracy, v.BaselineMacroF1, v.Labels, v.Support, v.Verdict,
        v.ActivatedAtUtc is { } at ? DateTime.SpecifyKind(at, DateTimeKind.Utc) : null);
}

/// <summary>The heads retraining made, which one answers uploads, and switching between them while the app runs.</summary>
public sealed class ModelVersions(ErasDb db, StorageModule storage, ModelHost models, TimeProvider clock, ILogger<ModelVersions> logger)
{
    public async Task<IReadOnlyList<ModelVersionResponse>> ListAsync(CancellationToken ct) =>
        (await db.ModelVersions.AsNoTracking().OrderByDescending(v => v.Id).ToListAsync(ct)).Select(ModelVersionResponse.Of).ToList();

    /// <summary>
    /// Makes the version the one answering uploads (a promotion, or a rollback to a retired one): the
    /// active one retires, and the head swaps in at once. False when there is no such version.
    /// </summary>
    public async Task<bool> ActivateAsync(long id, CancellationToken ct)
    {
        var version = await db.ModelVersions.FirstOrDefaultAsync(v => v.Id == id, ct);
        if (version is null) return false;
        var current = await models.ActiveAsync(ct);
        if (current.Head is not { } activeHead)
            throw new InvalidOperationException("Model versions apply to the built-in backbone and head, not to a model described by a manifest.");
        var head = EraHead.Parse(Encoding.UTF8.GetBytes(version.HeadJson), $"version {id}");
        // One activation at a time, across processes too, so there is one active version and one shipped one.
        await using (var transaction = await storage.TakeTurnAsync(db, CrossProcessLock.ModelActivation, ct))
        {
            // The first promotion keeps the head the app shipped with as a version, so it can be rolled back to.
            if (!await db.ModelVersions.AnyAsync(v => v.Status == ModelVersionStatus.Active, ct))
                db.ModelVersions.Add(Shipped(activeHead));
            await db.ModelVersions.Where(v => v.Status == ModelVersionStatus.Active && v.Id != id)
                .ExecuteUpdateAsync(s => s.SetProperty(v => v.Status, ModelVersionStatus.Retired), ct);
            (version.Status, version.ActivatedAtUtc) = (ModelVersionStatus.Active, clock.GetUtcNow().UtcDateTime);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }
        models.Publish(current.WithHead(head));
        logger.LogInformation("Model version {Id} (head {Head}) is active", id, head.Version);
        return true;
    }

    ModelVersion Shipped(EraHead head)
    {
        // Its own bytes, so it keeps its version: answers it gave are found again after a rollback.
        var json = head.Json ?? head.File.ToJson();
        var scores = head.File.Provenance?.CrossValidation;
        return new ModelVersion
        {
            CreatedAtUtc = clock.GetUtcNow().UtcDateTime,
            Status = ModelVersionStatus.Retired,
            HeadVersion = head.Version,
            HeadJson = Encoding.UTF8.GetString(json),
            Accuracy = scores?.Accuracy ?? 0,
            MacroF1 = scores?.MacroF1 ?? 0,
            Support = (head.File.Provenance?.Photos ?? []).GroupBy(p => $"{p.Class}/{p.Kind}").ToDictionary(g => g.Key, g => g.Count()),
            Verdict = "the head the app ran before its first promotion (its scores are its own cross-validation over every kind it trained on)",
        };
    }
}
