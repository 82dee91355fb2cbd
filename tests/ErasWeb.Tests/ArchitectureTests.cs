using System.Text.RegularExpressions;
using ErasWeb.Tests.Support;

namespace ErasWeb.Tests;

/// <summary>The folders of src/ErasWeb depend on each other in one direction only, as README's Layout says.</summary>
public partial class ArchitectureTests
{
    /// <summary>Bottom first: a folder may use the folders of earlier layers, never its own layer's or a later one's.</summary>
    static readonly string[][] Layers =
    [
        ["Observability"],
        ["Configuration", "Files", "Cli", "Media"],
        ["Shows"],
        ["Data"],
        ["Classification"],
        ["Storage"],
        ["Training", "Predictions"],
        ["Videos", "Fans"],
        ["Uploads", "Retraining"],
        ["Nights"],
        ["Admin"],
        ["Pages", "ApiDescription"],
    ];

    [Fact]
    public void Folders_depend_only_on_the_layers_below_them()
    {
        var source = Path.Combine(TestData.RepoRoot, "src", "ErasWeb");
        var folders = Directory.GetDirectories(source).Select(Path.GetFileName).Where(f => f is not ("bin" or "obj" or "Properties")).ToList();
        Assert.True(folders.All(f => Layers.Any(l => l.Contains(f))), $"Every folder has its place in the layers: {string.Join(", ", folders.Where(f => !Layers.Any(l => l.Contains(f))))}");

        var violations = new List<string>();
        foreach (var folder in folders)
        {
            int layer = Array.FindIndex(Layers, l => l.Contains(folder));
            var allowed = Layers.Take(layer).SelectMany(l => l).ToHashSet();
            foreach (var file in Directory.EnumerateFiles(Path.Combine(source, folder!), "*.*", SearchOption.AllDirectories).Where(f => f.EndsWith(".cs") || f.EndsWith(".cshtml")))
            {
                var code = Code(File.ReadAllText(file));
                foreach (var other in folders.Where(o => o != folder && !allowed.Contains(o!)))
                    if (Regex.IsMatch(code, $@"\bErasWeb\.{other}\b|(?<![\w.]){other}\.[A-Z]"))
                        violations.Add($"{Path.GetRelativePath(source, file)} uses {other}");
            }
        }
        Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations));
    }

    [Fact]
    public void The_check_sees_a_dependency_written_either_way()
    {
        Assert.Matches($@"\bErasWeb\.Videos\b", Code("using ErasWeb.Videos;"));
        Assert.Matches($@"(?<![\w.])Videos\.[A-Z]", Code("var q = Videos.VideoQueries.DescribeAsync(job);"));
        Assert.DoesNotMatch($@"(?<![\w.])Videos\.[A-Z]", Code("var sql = \"SELECT * FROM Videos.Frames\"; // Videos.Frames"));
    }

    /// <summary>The code without strings and comments, which may name anything.</summary>
    static string Code(string text) => Comments().Replace(Strings().Replace(text, "\"\""), "");

    [GeneratedRegex(@"""(?:[^""\\\n]|\\.)*""")]
    private static partial Regex Strings();

    [GeneratedRegex(@"//[^\n]*|/\*.*?\*/", RegexOptions.Singleline)]
    private static partial Regex Comments();
}
