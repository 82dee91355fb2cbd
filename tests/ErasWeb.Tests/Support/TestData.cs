using ErasWeb.Classification;
using Microsoft.Extensions.Logging.Abstractions;

namespace ErasWeb.Tests.Support;

/// <summary>
/// Where the shared data lives: ERAS_BACKBONE_SOURCE and ERAS_PHOTOS_DIR if set, else the
/// ../shared folder beside the repository.
/// </summary>
public static class TestData
{
    public static readonly string RepoRoot = FindRepoRoot();

    public static string BackboneSource =>
        Environment.GetEnvironmentVariable("ERAS_BACKBONE_SOURCE") is { Length: > 0 } s ? Path.GetFullPath(s, RepoRoot) : Path.Combine(RepoRoot, "..", "shared", "models");

    public static string PhotosDir =>
        Environment.GetEnvironmentVariable("ERAS_PHOTOS_DIR") is { Length: > 0 } s ? Path.GetFullPath(s, RepoRoot) : Path.Combine(RepoRoot, "..", "shared", "eras-photos");

    /// <summary>The tour's shows (date, tour, venue, city, country, surprise songs): ERAS_SHOWS if set, else beside the shared photos.</summary>
    public static string Shows =>
        Environment.GetEnvironmentVariable("ERAS_SHOWS") is { Length: > 0 } s ? Path.GetFullPath(s, RepoRoot) : Path.Combine(PhotosDir, "..", "eras-shows", "shows.tsv");

    public static string SanityDir => Path.Combine(Directory.Exists(BackboneSource) ? BackboneSource : Path.Combine(RepoRoot, "..", "shared", "models"), "sanity");

    public static string CommittedHead => Path.Combine(RepoRoot, "models", "era-head.json");

    public static string Photo(string relative) => Path.Combine(PhotosDir, relative);

    /// <summary>A prepared model shared by the tests of one process; preparing it again is cheap but pointless.</summary>
    public static readonly Lazy<string> PreparedModel = new(() =>
        new BackboneProvisioner(BackboneSpec.MobileNetV2Int8, BackboneSource, NewTempDir("model"), NullLogger.Instance)
            .PrepareAsync(CancellationToken.None).GetAwaiter().GetResult());

    /// <summary>Every app this process starts in itself builds its model here, so the backbone is opened once per test process, not once per app.</summary>
    public static readonly ModelFactory Models = new();

    public static readonly Lazy<EraClassifier> Classifier = new(() =>
        new EraClassifier(new Backbone(PreparedModel.Value, BackboneSpec.MobileNetV2Int8, 2), EraHead.Load(CommittedHead), BackboneSpec.MobileNetV2Int8));

    /// <summary>The committed head looking only at the centre square, the backbone's own preprocessing: for tests of the backbone and of Grad-CAM itself.</summary>
    public static readonly Lazy<EraClassifier> CenterViewClassifier = new(() => ClassifierWithViews(View.Center));

    /// <summary>The committed head's weights, averaged over other prediction views.</summary>
    public static EraClassifier ClassifierWithViews(params View[] views)
    {
        var head = HeadFile.Read(File.ReadAllBytes(CommittedHead));
        return new EraClassifier(new Backbone(PreparedModel.Value, BackboneSpec.MobileNetV2Int8, 2),
            new EraHead(head with { PredictionViews = views }, string.Join('+', views.Select(v => v.Name))), BackboneSpec.MobileNetV2Int8);
    }

    /// <summary>
    /// A data directory shared by the tests that extract training features, so its feature cache is filled once per run:
    /// by the tests of this process, and with the other test processes of the run when ERAS_TEST_CACHE names a folder
    /// for it (features depend only on the backbone and the picture, and are written whole under their final name).
    /// </summary>
    public static readonly Lazy<string> TrainingDataDir = new(() =>
        Environment.GetEnvironmentVariable("ERAS_TEST_CACHE") is { Length: > 0 } shared
            ? Directory.CreateDirectory(Path.Combine(shared, "training-data")).FullName
            : NewTempDir("training-data"));

    /// <summary>Lets an app's retraining use the features the training tests extracted: its data directory's feature cache is theirs.</summary>
    public static void ShareTrainingFeatures(string dataDir) =>
        Directory.CreateSymbolicLink(Path.Combine(dataDir, "features"), Directory.CreateDirectory(Path.Combine(TrainingDataDir.Value, "features")).FullName);

    /// <summary>One folder per test run, removed when the run ends.</summary>
    static readonly Lazy<string> TempRoot = new(() =>
    {
        var root = Path.Combine(Path.GetTempPath(), "erasweb-tests", Environment.ProcessId.ToString());
        Directory.CreateDirectory(root);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { Directory.Delete(root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        };
        return root;
    });

    public static string NewTempDir(string purpose)
    {
        var dir = Path.Combine(TempRoot.Value, $"{purpose}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }

    static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ErasWeb.sln"))) return dir.FullName;
        throw new InvalidOperationException("Cannot find the repository root (ErasWeb.sln) above " + AppContext.BaseDirectory);
    }
}
