using System.Text;
using ErasWeb.Classification;
using ErasWeb.Configuration;
using ErasWeb.Data;
using ErasWeb.Training;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ErasWeb.Retraining;

/// <summary>A retraining that cannot go on, with a reason an admin can act on.</summary>
public sealed class RetrainException(string message) : Exception(message);

/// <summary>
/// The Hangfire job that retrains the era head on the base photos plus every accepted label, with
/// the active head's recipe, and puts the result through the eval gate: promoted (and swapped in)
/// or kept as rejected, with its scores and the reason either way.
/// </summary>
public sealed class RetrainRunner(ErasDb db, ModelHost models, ModelVersions versions, IOptions<ErasOptions> options, TimeProvider clock, ILogger<RetrainRunner> logger)
{
    const int Folds = 5;

    [AutomaticRetry(Attempts = 0)]
    public async Task RunAsync(long runId, CancellationToken ct)
    {
        var run = await db.RetrainRuns.FirstOrDefaultAsync(r => r.Id == runId, ct);
        if (run is null || run.Status is WorkStatus.Succeeded or WorkStatus.Failed) return;
        (run.Status, run.StartedAtUtc, run.Progress) = (WorkStatus.Running, clock.GetUtcNow().UtcDateTime, 1);
        await db.SaveChangesAsync(ct);

        var folder = Directory.CreateTempSubdirectory("erasweb-retrain-").FullName;
        try
        {
            run.ModelVersionId = await RetrainAsync(run, folder, ct);
            (run.Status, run.Progress) = (WorkStatus.Succeeded, 100);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw; // the server is stopping: the run stays unfinished; Hangfire puts it back in its queue (on SQLite, the next start does)
        }
        catch (Exception e) when (e is RetrainException or InvalidDataException or FileNotFoundException or BackboneUnavailableException)
        {
            (run.Status, run.Error) = (WorkStatus.Failed, e.Message);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Retraining {RunId} failed unexpectedly", runId);
            (run.Status, run.Error) = (WorkStatus.Failed, "The retraining failed because of an internal error; it has been logged.");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
        run.FinishedAtUtc = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(CancellationToken.None);
    }

    async Task<long> RetrainAsync(RetrainRun run, string folder, CancellationToken ct)
    {
        var o = options.Value;
        if (o.BasePhotos.Length == 0) throw new RetrainException("Retraining needs the photos to start from: set ERAS_BASE_PHOTOS to a MANIFEST.tsv or a folder of class folders.");
        if ((await models.ActiveAsync(ct)).Head is not { } activeHead)
            throw new RetrainException("Retraining makes era heads for the built-in backbone; this server runs a model described by a manifest.");
        var settings = activeHead.File.Provenance?.Settings
            ?? throw new RetrainException("The active head records no training recipe to retrain with.");

        int labels = await DatasetExport.WriteFolderAsync(db, folder, ct);
        await ProgressAsync(run, 10, ct);
        var examples = await TrainingSet.LoadAsync([o.BasePhotos, folder], settings, o, TextWriter.Null, ct);
        await ProgressAsync(run, 50, ct);

        // Scored on the same folds and curated photos: the candidate learns from everything, the baseline only from what the active head did.
        var learned = activeHead.File.Provenance!.Photos.Select(p => p.Sha256).ToHashSet();
        var candidate = HeadTrainer.CrossValidate(examples, settings, Folds);
        await ProgressAsync(run, 70, ct);
        var baseline = HeadTrainer.CrossValidate(examples, settings, Folds, e => learned.Contains(e.Sha256));
        await ProgressAsync(run, 85, ct);
        var verdict = EvalGate.Judge(examples, candidate, baseline, o.RetrainTolerance, curated: e => !e.Photo.Path.StartsWith(folder, StringComparison.Ordinal));

        var head = HeadTrainer.Train(examples, settings, Folds, $"retraining {run.Id} ({run.Trigger})", $"{Path.GetFileName(o.BasePhotos)} + {labels} accepted labels",
            BackboneSpec.MobileNetV2Int8, candidate);
        var json = head.ToJson();
        var version = new ModelVersion
        {
            CreatedAtUtc = clock.GetUtcNow().UtcDateTime,
            Status = ModelVersionStatus.Candidate,
            HeadVersion = Media.ContentHash.Sha256Hex(json)[..12],
            HeadJson = Encoding.UTF8.GetString(json),
            Accuracy = verdict.Candidate.Accuracy,
            MacroF1 = verdict.Candidate.MacroF1,
            BaselineAccuracy = verdict.Baseline.Accuracy,
            BaselineMacroF1 = verdict.Baseline.MacroF1,
            Support = examples.GroupBy(e => $"{e.Photo.Class}/{e.Photo.Kind}").ToDictionary(g => g.Key, g => g.Count()),
            Labels = labels,
            Verdict = (verdict.Promote ? "promoted: " : "rejected: ") + verdict.Reason,
        };
        db.ModelVersions.Add(version);
        await db.SaveChangesAsync(ct);
        if (verdict.Promote) await versions.ActivateAsync(version.Id, ct);
        else
        {
            version.Status = ModelVersionStatus.Rejected;
            await db.SaveChangesAsync(ct);
        }
        logger.LogInformation("Retraining {RunId}: version {Version} {Verdict}", run.Id, version.Id, version.Verdict);
        return version.Id;
    }

    async Task ProgressAsync(RetrainRun run, int percent, CancellationToken ct)
    {
        run.Progress = percent;
        await db.SaveChangesAsync(ct);
    }
}
