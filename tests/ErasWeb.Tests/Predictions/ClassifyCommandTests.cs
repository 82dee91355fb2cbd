using System.Globalization;
using System.Text;
using ErasWeb.Configuration;
using ErasWeb.Media;
using ErasWeb.Predictions;
using ErasWeb.Tests.Support;

namespace ErasWeb.Tests.Predictions;

public class ClassifyCommandTests
{
    // One data dir for the class: the prepared backbone is made once, not per test.
    static readonly Lazy<string> DataDir = new(() => TestData.NewTempDir("classify-data"));

    static ErasOptions Options() => new() { BackboneSource = TestData.BackboneSource, DataDir = DataDir.Value, HeadPath = TestData.CommittedHead };

    static async Task<(int Exit, string Stdout, string Stderr)> Run(IReadOnlyList<string> paths, string? csv = null)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int exit = await ClassifyCommand.RunAsync(paths, csv, Options(), stdout, stderr, CancellationToken.None);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    /// <summary>A camera-roll folder: four eras, a sub-folder, a space and a comma in a name, an upper-case extension, a text file posing as a JPEG and a file that is no photo at all.</summary>
    static (string Dir, Dictionary<string, string> Photos) CameraRoll()
    {
        var dir = TestData.NewTempDir("camera-roll");
        var photos = new Dictionary<string, string>
        {
            [Path.Combine(dir, "a-midnights.jpeg")] = "Midnights/etl-34.jpeg",
            [Path.Combine(dir, "sub", "lover.webp")] = "Lover/etl-1.webp",
            [Path.Combine(dir, "with space, and a comma.png")] = "Reputation/quiz-rep.png",
            [Path.Combine(dir, "z-speak-now.JPEG")] = "Speak Now/etl-13.jpeg",
        };
        Directory.CreateDirectory(Path.Combine(dir, "sub"));
        foreach (var (target, source) in photos) File.Copy(TestData.Photo(source), target);
        File.WriteAllText(Path.Combine(dir, "fake.jpg"), "this is a shopping list, not a photo\n");
        File.WriteAllText(Path.Combine(dir, "notes.txt"), "not looked at: the extension is not an image's\n");
        return (dir, photos);
    }

    [Fact]
    public async Task A_folder_gives_one_csv_row_per_photo_with_the_models_probabilities_and_reports_the_fake()
    {
        var (dir, photos) = CameraRoll();
        var csv = Path.Combine(TestData.NewTempDir("classify-out"), "eras.csv");

        var (exit, stdout, stderr) = await Run([dir], csv);

        Assert.Equal(1, exit); // a file was skipped
        Assert.Contains($"skipped {Path.Combine(dir, "fake.jpg")}: ", stderr);
        Assert.Contains("text", stderr);
        Assert.DoesNotContain("notes.txt", stderr);
        Assert.Contains($"Wrote {csv}", stdout);
        Assert.Equal([csv], Directory.GetFiles(Path.GetDirectoryName(csv)!)); // no temp file left behind

        var classifier = TestData.Classifier.Value;
        var text = File.ReadAllText(csv);
        Assert.StartsWith("file,predicted_class,confidence,uncertain,1989,Acoustic,Fearless,Folkmore,Lover,Midnights,Red,Reputation,Speak Now,TTPD\r\n", text);
        Assert.Contains("\"" + Path.Combine(dir, "with space, and a comma.png") + "\",", text); // quoted for its comma
        var records = ParseCsv(text);
        Assert.Equal(["file", "predicted_class", "confidence", "uncertain", .. classifier.Labels], records[0]);
        var rows = records.Skip(1).ToList();
        // Files as found under the folder, in ordinal order; the fake has no row.
        Assert.Equal(photos.Keys.Order(StringComparer.Ordinal), rows.Select(r => r[0]));

        foreach (var row in rows)
        {
            var bytes = File.ReadAllBytes(row[0]);
            using var decoded = ImageDecoder.Decode(bytes, FileSniffer.Sniff(bytes), new PixelLimits(100_000_000, 24_000_000), ErasWeb.Classification.ModelInput.ResizeShortSide);
            var expected = classifier.Classify([decoded.Upright])[0];
            Assert.Equal(expected.Era, row[1]);
            Assert.Equal(expected.Confidence, double.Parse(row[2], CultureInfo.InvariantCulture), 1e-4);
            Assert.Equal(expected.Uncertain ? "true" : "false", row[3]);
            var probabilities = row.Skip(4).Select(p => double.Parse(p, CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(classifier.Labels.Count, probabilities.Count);
            for (int c = 0; c < probabilities.Count; c++) Assert.Equal(expected.Probabilities[c], probabilities[c], 1e-4);
            Assert.Equal(1, probabilities.Sum(), 1e-3); // ten values rounded to 4 decimals
            Assert.Matches(@"^\d\.\d{4}$", row[2]);
        }
    }

    [Fact]
    public async Task Without_csv_a_table_names_each_photo_as_given_and_all_good_exits_0()
    {
        var (dir, photos) = CameraRoll();
        var file = photos.Keys.Single(p => p.EndsWith("with space, and a comma.png"));
        var relative = Path.GetRelativePath(Directory.GetCurrentDirectory(), file);

        var (exit, stdout, _) = await Run([relative, Path.Combine(dir, "sub")]);

        Assert.Equal(0, exit);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^file\s+era\s+confidence", lines[0]);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith(relative + " ", lines[1]);
        Assert.StartsWith(Path.Combine(dir, "sub", "lover.webp") + " ", lines[2]);
        // Columns line up: every era starts where the header's does.
        int eraColumn = lines[0].IndexOf("era", StringComparison.Ordinal);
        Assert.All(lines.Skip(1), l => Assert.NotEqual(' ', l[eraColumn]));
        Assert.All(lines.Skip(1), l => Assert.Equal(' ', l[eraColumn - 1]));
        Assert.Matches(@"\d+\.\d%", lines[1]);
    }

    [Fact]
    public async Task A_missing_path_exits_2_naming_it_before_any_work()
    {
        var (dir, _) = CameraRoll();
        var missing = Path.Combine(dir, "no such folder");
        var csv = Path.Combine(TestData.NewTempDir("classify-out"), "eras.csv");

        var (exit, _, stderr) = await Run([dir, missing], csv);

        Assert.Equal(2, exit);
        Assert.Contains(missing, stderr);
        Assert.False(File.Exists(csv));
    }

    [Fact]
    public async Task Nothing_classifiable_exits_2_and_writes_no_csv()
    {
        var dir = TestData.NewTempDir("classify-bad");
        File.WriteAllText(Path.Combine(dir, "fake.jpg"), "not a photo");
        File.WriteAllBytes(Path.Combine(dir, "truncated.jpg"), File.ReadAllBytes(TestData.Photo("Midnights/etl-34.jpeg"))[..4000]);
        var csv = Path.Combine(dir, "out", "eras.csv");

        var (exit, _, stderr) = await Run([dir], csv);

        Assert.Equal(2, exit);
        Assert.Contains("truncated.jpg: ", stderr);
        Assert.Contains("fake.jpg: ", stderr);
        Assert.False(File.Exists(csv));
    }

    [Fact]
    public async Task Cancelling_exits_130_and_writes_no_csv()
    {
        var (dir, _) = CameraRoll();
        var csv = Path.Combine(TestData.NewTempDir("classify-out"), "eras.csv");
        var stderr = new StringWriter();

        int exit = await ClassifyCommand.RunAsync([dir], csv, Options(), new StringWriter(), stderr, new CancellationToken(canceled: true));

        Assert.Equal(130, exit);
        Assert.Contains("Cancelled", stderr.ToString());
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(csv)!));
    }

    /// <summary>RFC 4180: quoted fields may hold commas, doubled quotes and line breaks; records end with CRLF.</summary>
    static List<List<string>> ParseCsv(string text)
    {
        var records = new List<List<string>>();
        var record = new List<string>();
        var field = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else field.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { record.Add(field.ToString()); field.Clear(); }
            else if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                record.Add(field.ToString());
                field.Clear();
                records.Add(record);
                record = [];
                i++;
            }
            else field.Append(c);
        }
        Assert.True(field.Length == 0 && record.Count == 0, "the CSV ends with CRLF");
        return records;
    }
}
