using ErasWeb.Classification;
using ErasWeb.Configuration;
using ErasWeb.Media;
using ErasWeb.Predictions;
using ErasWeb.Tests.Support;
using ErasWeb.Training;
using SkiaSharp;

namespace ErasWeb.Tests.Training;

/// <summary>A stage seen from the stands: small, off-centre, in a dark stadium lit by wristbands.</summary>
[Collection(TrainingFeatures.Collection)]
public class FromTheStandsTests
{
    static readonly PixelLimits Limits = new(100_000_000, 40_000_000);

    /// <summary>A stage photo at a third of a generated stadium frame's height, as the app receives it (a JPEG) and where its stage is in the decoded picture.</summary>
    static (DecodedImage Uploaded, SKRect Stage) FarFrame(string photo, int seed)
    {
        using var decoded = ImageFiles.Decode(TestData.Photo(photo), Limits, StadiumScenes.Height / 2);
        using var frame = StadiumScenes.Frame(decoded.Upright, 1 / 3f, seed, out var placed);
        var uploaded = StadiumScenes.AsUploaded(frame, Limits);
        float scale = (float)uploaded.Upright.Width / frame.Width;
        return (uploaded, new SKRect(placed.Left * scale, placed.Top * scale, placed.Right * scale, placed.Bottom * scale));
    }

    [Theory]
    [InlineData("Folkmore/etl-11.jpeg", "Folkmore")]
    [InlineData("Midnights/etl-34.jpeg", "Midnights")]
    public async Task A_far_frame_of_a_held_out_stage_photo_is_read_from_the_zoomed_view_with_the_right_era(string file, string era)
    {
        var settings = HeadFile.Read(File.ReadAllBytes(TestData.CommittedHead)).Provenance!.Settings;
        var options = new ErasOptions { BackboneSource = TestData.BackboneSource, DataDir = TestData.TrainingDataDir.Value };
        var examples = await TrainingSet.LoadAsync([Path.Combine(TestData.PhotosDir, "MANIFEST.tsv")], settings, options, TextWriter.Null, CancellationToken.None);
        var group = examples.Single(e => e.Photo.RelativePath == file).Photo.Group;
        var headFile = HeadTrainer.Train(examples.Where(e => e.Photo.Group != group).ToList(), settings, 5, "test", "test", BackboneSpec.MobileNetV2Int8);
        var classifier = TestData.Classifier.Value.WithHead(new EraHead(headFile, "held-out"));

        var (uploaded, stage) = FarFrame(file, seed: 5);
        using (uploaded)
        {
            var answer = classifier.Classify(uploaded.Upright);
            using var output = classifier.Run([uploaded.Upright]);
            var wholeOnly = classifier.Interpret(output, [uploaded.Upright])[0];

            Assert.True(answer.Zoomed, $"answered {answer.Era} {answer.Confidence:0.00} from the whole view");
            Assert.Equal(era, answer.Era);
            Assert.False(answer.Unfamiliar);
            Assert.True(SKRect.Intersect(answer.Crop, stage) is { IsEmpty: false } inside && inside.Width * inside.Height > 0.6f * stage.Width * stage.Height,
                $"read {answer.Crop}, the stage is at {stage}");
            // The whole view alone does not read it: it calls the frame unlike the stage photos, or names another era.
            Assert.True(wholeOnly.Unfamiliar || wholeOnly.Era != era);
        }
    }

    [Fact]
    public void An_empty_stadium_is_not_sure()
    {
        for (int seed = 0; seed < 4; seed++)
        {
            using var empty = StadiumScenes.Frame(null, 0, seed);
            using var uploaded = StadiumScenes.AsUploaded(empty, Limits);
            var answer = TestData.Classifier.Value.Classify(uploaded.Upright);
            Assert.True(answer.Uncertain, $"seed {seed}: {answer.Era} {answer.Confidence:0.00}");
            Assert.False(answer.Zoomed);
        }
    }

    [Fact]
    public void The_overlay_of_a_zoomed_answer_outlines_the_region_read_and_dims_the_rest()
    {
        var (uploaded, _) = FarFrame("Folkmore/etl-11.jpeg", seed: 9);
        byte[] jpeg;
        using (uploaded) jpeg = ImageEncoder.Jpeg(uploaded.Upright, 95);

        var analyzed = ImagePipeline.Analyze(jpeg, FileSniffer.SniffContent(jpeg), TestData.Classifier.Value, Limits);

        Assert.True(analyzed.Prediction.Zoomed);
        using var display = SKBitmap.Decode(analyzed.Display);
        using var overlay = SKBitmap.Decode(ImagePipeline.Overlay(analyzed.Display, analyzed.Heatmap));
        float scale = (float)display.Width / analyzed.Width;
        var crop = analyzed.Prediction.Crop;
        int left = (int)MathF.Round(crop.Left * scale), top = (int)MathF.Round(crop.Top * scale), right = (int)MathF.Round(crop.Right * scale), bottom = (int)MathF.Round(crop.Bottom * scale);
        // The outline: near-white pixels along the region's top edge, where the photo is dark sky.
        int white = Enumerable.Range(left + 2, right - left - 4).Count(x => overlay.GetPixel(x, top) is var c && c.Red > 200 && c.Green > 200 && c.Blue > 200);
        Assert.True(white > 0.9 * (right - left - 4), $"{white} white pixels of {right - left - 4} along the top edge");
        // Outside the region the picture is dimmed, inside it carries the heatmap's colours.
        static int Light(SKColor c) => c.Red + c.Green + c.Blue;
        var outside = Enumerable.Range(0, display.Width).Where(x => x < left - 4 || x > right + 4).Select(x => (x, y: display.Height * 3 / 4)).ToList();
        Assert.True(outside.Sum(p => Light(overlay.GetPixel(p.x, p.y))) < 0.7 * outside.Sum(p => Light(display.GetPixel(p.x, p.y))));
        var inside = (x: (left + right) / 2, y: (top + bottom) / 2);
        Assert.NotEqual(display.GetPixel(inside.x, inside.y), overlay.GetPixel(inside.x, inside.y));
    }
}
