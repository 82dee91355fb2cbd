namespace ErasWeb.Training;

/// <summary>A training photo: where it is, its era, what kind of picture it is, and the outfit group it belongs to.</summary>
public sealed record LabelledPhoto(string Path, string RelativePath, string Class, string Kind, string Group);

public static class LabelledPhotos
{
    public const string StagePhoto = "stage_photo";
    public const string StageCutout = "stage_cutout";

    /// <summary>
    /// The photos of every source, one after another (the shared set and a dataset exported from the app, say), of the
    /// given kinds (all when none is given). Sources with no photo, and a kind no photo has, are refused rather than
    /// matched by nothing: a misspelt kind, or an option taken for one, would otherwise change what is trained on or
    /// scored unseen.
    /// </summary>
    public static IReadOnlyList<LabelledPhoto> Load(IReadOnlyList<string> sources, IReadOnlyCollection<string> kinds)
    {
        var photos = sources.SelectMany(Load).ToList();
        if (photos.Count == 0) throw new InvalidDataException($"No photos found in {string.Join(", ", sources.Select(s => $"'{s}'"))}.");
        var present = photos.Select(p => p.Kind).ToHashSet();
        if (kinds.FirstOrDefault(k => !present.Contains(k)) is { } missing)
            throw new InvalidDataException($"No photo is of kind '{missing}'; the kinds there are {string.Join(", ", present.Order(StringComparer.Ordinal))}.");
        return kinds.Count == 0 ? photos : photos.Where(p => kinds.Contains(p.Kind)).ToList();
    }

    /// <summary>
    /// Reads a manifest (TSV with file, class, kind and group columns) or a folder of class
    /// sub-folders. Photos from a plain folder count as stage photos, each its own group.
    /// </summary>
    public static IReadOnlyList<LabelledPhoto> Load(string source)
    {
        if (File.Exists(source)) return FromManifest(source);
        if (Directory.Exists(source))
        {
            var manifest = System.IO.Path.Combine(source, "MANIFEST.tsv");
            return File.Exists(manifest) ? FromManifest(manifest) : FromClassFolders(source);
        }
        throw new FileNotFoundException($"'{source}' (resolved to '{System.IO.Path.GetFullPath(source)}') is neither a manifest file nor a folder of class sub-folders.");
    }

    static List<LabelledPhoto> FromManifest(string manifest)
    {
        var root = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(manifest))!;
        var lines = File.ReadAllLines(manifest).Where(l => l.Length > 0).ToList();
        if (lines.Count == 0) throw new InvalidDataException($"The manifest '{manifest}' is empty.");
        var header = lines[0].Split('\t');
        int Column(string name) => Array.IndexOf(header, name) is >= 0 and var i ? i
            : throw new InvalidDataException($"The manifest '{manifest}' has no '{name}' column.");
        int file = Column("file"), cls = Column("class"), kind = Array.IndexOf(header, "kind"), group = Array.IndexOf(header, "group");
        return lines.Skip(1).Select(line => line.Split('\t')).Select(f => new LabelledPhoto(
            System.IO.Path.Combine(root, f[file]), f[file], f[cls],
            kind >= 0 ? f[kind] : StagePhoto,
            group >= 0 && f[group].Length > 0 ? f[group] : f[file])).ToList();
    }

    static List<LabelledPhoto> FromClassFolders(string root) =>
        Directory.GetDirectories(root).OrderBy(d => d, StringComparer.Ordinal)
            .SelectMany(dir => Media.ImageFiles.In(dir, recursive: false)
                .Select(f =>
                {
                    var relative = System.IO.Path.GetRelativePath(root, f);
                    return new LabelledPhoto(f, relative, System.IO.Path.GetFileName(dir), StagePhoto, relative);
                }))
            .ToList();

}
