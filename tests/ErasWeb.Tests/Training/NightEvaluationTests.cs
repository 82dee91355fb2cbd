using System.Text.Json;
using ErasWeb.Configuration;
using ErasWeb.Hosting;
using ErasWeb.Shows;
using ErasWeb.Tests.Support;
using ErasWeb.Training;

namespace ErasWeb.Tests.Training;

/// <summary><c>eval nights</c> on the shared photos: nights of held-out stage photos, decoded with the set order and read photo by photo.</summary>
[Collection(TrainingFeatures.Collection)]
public class NightEvaluationTests
{
    [Fact]
    public async Task Nights_of_held_out_stage_photos_read_with_the_set_order_beat_the_same_photos_read_alone()
    {
        var options = new ErasOptions { BackboneSource = TestData.BackboneSource, DataDir = TestData.TrainingDataDir.Value, HeadPath = TestData.CommittedHead };
        var reportDir = TestData.NewTempDir("nights-report");
        var (stdout, stderr) = (new StringWriter(), new StringWriter());

        int exit = await NightEvaluation.RunAsync([Path.Combine(TestData.PhotosDir, "MANIFEST.tsv")], null, folds: 3, nights: 30, seed: null, seeds: 1,
            TestData.SanityDir, reportDir, options, stdout, stderr, CancellationToken.None);

        Assert.True(exit == 0, stderr.ToString());
        Assert.Contains("30 nights a run from held-out stage photos of 3-fold cross-validation grouped by outfit group, seed 42", stdout.ToString());
        var runs = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(reportDir, "nights.json"))).RootElement.GetProperty("runs").EnumerateArray().ToList();
        Assert.Equal(["tour known, with times", "tour known, no times", "tour unknown, with times", "tour unknown, no times"], runs.Select(r => r.GetProperty("setting").GetString()));
        foreach (var run in runs)
        {
            Assert.True(run.GetProperty("stage_photos").GetInt32() >= 100, run.ToString());
            Assert.True(run.GetProperty("non_concert_pictures").GetInt32() > 0, run.ToString());
            Assert.True(run.GetProperty("decoded").GetDouble() > run.GetProperty("alone").GetDouble(), run.ToString());
        }
        // With the tour unknown, every night's tour is named right, left open or named wrong.
        Assert.All(runs.Skip(2), r => Assert.Equal(30, r.GetProperty("tours_right").GetInt32() + r.GetProperty("tours_open").GetInt32() + r.GetProperty("tours_wrong").GetInt32()));
    }

    [Fact]
    public void The_command_line_reads_eval_nights_as_its_own_verb_beside_eval()
    {
        var nights = ErasCommandLine.Create().Parse(["eval", "nights", "photos/MANIFEST.tsv", "--cv", "3", "--nights", "50"]);
        var eval = ErasCommandLine.Create().Parse(["eval", "photos/MANIFEST.tsv", "--cv", "3"]);

        Assert.Empty(nights.Errors);
        Assert.Equal("nights", nights.CommandResult.Command.Name);
        Assert.Equal(50, nights.GetValue<int>("--nights"));
        Assert.Equal("eval", eval.CommandResult.Command.Name);
    }
}
