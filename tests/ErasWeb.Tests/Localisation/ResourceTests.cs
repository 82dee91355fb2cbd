using System.Text.RegularExpressions;
using System.Xml.Linq;
using ErasWeb.Admin;
using ErasWeb.Fans;
using ErasWeb.Localisation;
using ErasWeb.Tests.Support;

namespace ErasWeb.Tests.Localisation;

/// <summary>
/// The resource files: every language has every sentence, with the same placeholders, and every key the
/// pages and code ask for is there (a missing one would show its key, or English, to the reader).
/// </summary>
public partial class ResourceTests
{
    static readonly string Resources = Path.Combine(TestData.RepoRoot, "src", "ErasWeb", "Resources");
    static readonly string Source = Path.Combine(TestData.RepoRoot, "src", "ErasWeb");
    static readonly string[] Translations = [.. Languages.All.Select(l => l.Culture).Where(c => c != Languages.Default)];

    /// <summary>The neutral (English) resource files: those without a culture before ".resx".</summary>
    public static IEnumerable<string> NeutralFiles() => Directory.EnumerateFiles(Resources, "*.resx", SearchOption.AllDirectories)
        .Where(f => !Translations.Any(c => f.EndsWith($".{c}.resx", StringComparison.Ordinal))).Order();

    static Dictionary<string, string> Read(string file) => XDocument.Load(file).Root!.Elements("data")
        .ToDictionary(d => (string)d.Attribute("name")!, d => (string?)d.Element("value") ?? "");

    static string Relative(string file) => Path.GetRelativePath(Resources, file);

    [Fact]
    public void Every_language_has_every_key_of_every_resource_with_the_same_placeholders()
    {
        var problems = new List<string>();
        var neutrals = NeutralFiles().ToList();
        Assert.True(neutrals.Count >= 10, $"only {neutrals.Count} resource files found under {Resources}");
        var comments = neutrals.ToDictionary(f => f, f => XDocument.Load(f).Root!.Elements("data")
            .ToDictionary(d => (string)d.Attribute("name")!, d => (string?)d.Element("comment")));
        foreach (var neutral in neutrals)
        {
            var english = Read(neutral);
            foreach (var culture in Translations)
            {
                var file = neutral[..^".resx".Length] + $".{culture}.resx";
                if (!File.Exists(file)) { problems.Add($"{Relative(file)} is missing"); continue; }
                var translated = Read(file);
                problems.AddRange(english.Keys.Except(translated.Keys).Select(k => $"{Relative(file)}: no '{k}'"));
                problems.AddRange(translated.Keys.Except(english.Keys).Select(k => $"{Relative(file)}: '{k}' is not in the English file"));
                foreach (var (key, value) in english)
                    if (translated.TryGetValue(key, out var other))
                    {
                        // A comment naming more arguments lets a language choose among them; otherwise it takes the English ones.
                        var offered = Placeholders(value).Union(Placeholders(comments[neutral].GetValueOrDefault(key) ?? "")).ToHashSet();
                        if (offered.Count > Placeholders(value).Count ? !Placeholders(other).IsSubsetOf(offered) : !Placeholders(value).SetEquals(Placeholders(other)))
                            problems.Add($"{Relative(file)}: '{key}' has {string.Join(" ", Placeholders(other))} where English has {string.Join(" ", Placeholders(value))}");
                        if (other.Trim().Length == 0) problems.Add($"{Relative(file)}: '{key}' is empty");
                    }
            }
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    /// <summary>The arguments a value takes ({0}, {name}); how it formats them ({2:g} or {2:yyyy-MM-dd}) is the language's to choose.</summary>
    static HashSet<string> Placeholders(string value) => [.. Placeholder().Matches(value).Select(m => m.Groups[1].Value)];

    [Fact]
    public void Every_key_a_page_asks_its_localizer_for_is_in_its_resources_and_every_key_there_is_asked_for()
    {
        var problems = new List<string>();
        var pages = Path.Combine(Source, "Pages");
        foreach (var view in Directory.EnumerateFiles(pages, "*.cshtml", SearchOption.AllDirectories))
        {
            var text = File.ReadAllText(view);
            var asked = ViewKey().Matches(text).Select(m => m.Groups[1].Value).ToHashSet();
            if (asked.Count == 0) continue;
            // A key ending in "." is a prefix, completed in code ("Js." + name): every key under it counts as asked for.
            var prefixes = asked.Where(k => k.EndsWith('.')).Concat(Prefix().Matches(text).Select(m => m.Groups[1].Value)).ToList();
            asked.ExceptWith(prefixes);
            var resource = Path.Combine(Resources, "Pages", Path.ChangeExtension(Path.GetRelativePath(pages, view), ".resx"));
            if (!File.Exists(resource)) { problems.Add($"{Path.GetRelativePath(Source, view)} asks for keys but {Relative(resource)} does not exist"); continue; }
            var keys = Read(resource).Keys.ToHashSet();
            problems.AddRange(asked.Except(keys).Select(k => $"{Path.GetRelativePath(Source, view)} asks for '{k}', which {Relative(resource)} lacks"));
            // A key may also be chosen in code before it is asked for ("Js.Queued" or "Js.Running").
            problems.AddRange(keys.Where(k => !asked.Contains(k) && !prefixes.Any(p => k.StartsWith(p, StringComparison.Ordinal)) && !text.Contains($"\"{k}\"", StringComparison.Ordinal))
                .Select(k => $"{Relative(resource)} has '{k}', which its page never asks for"));
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Every_shared_sentence_the_code_says_is_in_the_texts_and_every_text_is_said()
    {
        var keys = Read(Path.Combine(Resources, "Localisation", "Texts.resx")).Keys.ToHashSet();
        var code = string.Join("\n", Directory.EnumerateFiles(Source, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .Select(File.ReadAllText));
        var said = SharedKey().Matches(code).Select(m => m.Groups[1].Value).ToHashSet();
        // A refusal's sentence is named after what its limit counts ("TooMany." + name).
        Assert.True(said.Remove("TooMany."));
        // Framework problems' titles are named after their status ($"Status.{status}").
        Assert.True(said.Remove("Status."));
        said.UnionWith(keys.Where(k => k.StartsWith("Status.", StringComparison.Ordinal)));
        said.UnionWith(new[] { "photos", "videos", "nights", FanApi.Votes, AdminAuthentication.SignInAttempts, AdminTokenGuesses.WrongTokens.Name, "requests" }.Select(n => "TooMany." + n));
        Assert.Empty(said.Except(keys));
        Assert.Empty(keys.Except(said));
    }

    [GeneratedRegex(@"\{([^{}:,]*)[^{}]*\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"\bL(?:\[|\.GetString\()\$?""([^""{]+)")]
    private static partial Regex ViewKey();

    [GeneratedRegex(@"""([A-Z]\w*\.)""")]
    private static partial Regex Prefix();

    [GeneratedRegex(@"Texts\.(?:Say\(|Localizer\[\$?)""([^""{]+)")]
    private static partial Regex SharedKey();
}
