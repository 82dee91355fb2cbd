using System.Text.RegularExpressions;
using ErasWeb.Tests.Support;
using NetArchTest.Rules;

namespace ErasWeb.Tests;

/// <summary>
/// The folders of src/ErasWeb (one namespace each) depend on each other in one direction only, as README's
/// Layout says: checked on the compiled assembly, so a dependency counts however it is written.
/// </summary>
public class ArchitectureTests
{
    /// <summary>Bottom first: a folder may use the folders of earlier layers, never its own layer's or a later one's.</summary>
    static readonly string[][] Layers =
    [
        ["Observability", "Localisation"],
        ["Configuration", "Files", "Cli", "Media"],
        ["Shows", "Web"],
        ["Data"],
        ["Classification"],
        ["Storage"],
        ["Training", "Predictions"],
        ["Videos", "Fans"],
        ["Uploads", "Retraining"],
        ["Nights"],
        ["Admin"],
        ["Problems"],
        ["Pages", "ApiDescription"],
        ["Hosting"],
    ];

    static readonly System.Reflection.Assembly App = typeof(Hosting.ErasApp).Assembly;

    [Fact]
    public void Every_type_lives_in_a_folder_of_the_layers()
    {
        var loose = Types.InAssembly(App).GetTypes().Select(t => t.FullName).Where(name => !IsGenerated(name))
            .Where(name => Folder(name) is not { } folder || !Layers.Any(l => l.Contains(folder))).ToList();

        Assert.True(loose.Count == 0, $"Types outside the layers' folders: {string.Join(", ", loose)}");
    }

    [Fact]
    public void Folders_depend_only_on_the_layers_below_them()
    {
        var violations = new List<string>();
        for (int layer = 0; layer < Layers.Length; layer++)
            foreach (var folder in Layers[layer])
                violations.AddRange(Violations(folder, Layers.Skip(layer).SelectMany(l => l).Where(f => f != folder)));

        Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations));
    }

    [Fact]
    public void The_check_sees_a_dependency_from_below_on_a_folder_above()
    {
        // Data holds the rows everyone stores; Storage, above it, owns how they are locked and queued.
        Assert.Contains(Violations("Storage", ["Data"]), v => v.Contains("ErasWeb.Storage."));
        Assert.Empty(Violations("Data", ["Storage"]));
    }

    [Fact]
    public void Only_Visibility_reads_past_what_a_visitor_may_see()
    {
        var source = Path.Combine(TestData.RepoRoot, "src", "ErasWeb");
        var bypasses = Directory.EnumerateFiles(source, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && File.ReadAllText(f).Contains("IgnoreQueryFilters"))
            .Select(f => Path.GetRelativePath(source, f)).ToList();

        Assert.Equal([Path.Combine("Data", "Visibility.cs")], bypasses);
    }

    /// <summary>Types of <paramref name="folder"/> that use any of <paramref name="forbidden"/>, with what they use.</summary>
    static IEnumerable<string> Violations(string folder, IEnumerable<string> forbidden)
    {
        var result = Types.InAssembly(App).That().ResideInNamespaceMatching($@"^ErasWeb\.{folder}(\..+)?$")
            .ShouldNot().HaveDependencyOnAny(forbidden.Select(f => $"ErasWeb.{f}").ToArray()).GetResult();
        return result.IsSuccessful ? [] : result.FailingTypes.Where(t => !IsGenerated(t.FullName)).Select(t => $"{t.FullName} uses {string.Join(", ", forbidden)}: {t.Explanation}");
    }

    /// <summary>The folder a type belongs to (ErasWeb.Videos.Shows.ShowDecoder is in Videos); null in the root namespace or outside ErasWeb.</summary>
    static string? Folder(string fullName) => Regex.Match(fullName, @"^ErasWeb\.([A-Za-z]+)\.") is { Success: true } m ? m.Groups[1].Value : null;

    /// <summary>What the compiler writes for us: Razor views (their page models are checked), top-level statements, embedded resources.</summary>
    static bool IsGenerated(string fullName) =>
        fullName.StartsWith("AspNetCoreGeneratedDocument.") || fullName.StartsWith("Microsoft.") || fullName.StartsWith("System.")
        || fullName.StartsWith('<') || fullName == "Program" || fullName.StartsWith("Program/") || fullName.StartsWith("Program+");
}
