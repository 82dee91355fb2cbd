using ErasWeb.Classification;
using ErasWeb.Media;
using ErasWeb.Predictions;
using ErasWeb.Tests.Support;
using SkiaSharp;

namespace ErasWeb.Tests.Classification;

public class GradCamTests
{
    [Fact]
    public void Map_equals_GradCam_from_a_brute_force_finite_difference_gradient_on_a_real_photo()
    {
        var classifier = TestData.CenterViewClassifier.Value;
        var head = classifier.Head;
        using var photo = Images.Load(TestData.Photo("Midnights/etl-31.jpeg"));
        float[] featureMap;
        using (var output = classifier.Run([photo])) featureMap = output.FeatureMap(0).ToArray();
        var prediction = classifier.Classify(photo);
        int c = prediction.PredictedIndex;

        // Grad-CAM weighs channel k by the spatial mean of d logit_c / d A[k,i,j]: a central difference through the head's
        // own forward pass, in double, along all of channel k's plane at once (the derivative along that direction, over the plane).
        const int channels = 1280, plane = 49;
        double Logit(double[] a)
        {
            var weights = head.ClassWeights(c);
            double z = 0;
            for (int k = 0; k < channels; k++)
            {
                double sum = 0;
                for (int p = 0; p < plane; p++) sum += a[k * plane + p];
                z += weights[k] * (sum / plane);
            }
            return z;
        }
        var a = featureMap.Select(v => (double)v).ToArray();
        var alpha = new double[channels];
        const double h = 1e-2;
        for (int k = 0; k < channels; k++)
        {
            var saved = a.AsSpan(k * plane, plane).ToArray();
            for (int p = 0; p < plane; p++) a[k * plane + p] = saved[p] + h;
            double up = Logit(a);
            for (int p = 0; p < plane; p++) a[k * plane + p] = saved[p] - h;
            double down = Logit(a);
            saved.CopyTo(a, k * plane);
            alpha[k] = (up - down) / (2 * h) / plane;
        }
        var expected = new float[plane];
        for (int p = 0; p < plane; p++)
        {
            double sum = 0;
            for (int k = 0; k < channels; k++) sum += alpha[k] * a[k * plane + p];
            expected[p] = (float)Math.Max(0, sum);
        }
        GradCam.Normalize(expected);

        Assert.Equal(expected, prediction.Heatmap.Values, new FloatTolerance(1e-3f));
        Assert.Equal(1f, prediction.Heatmap.Values.Max(), 5);
        Assert.Equal(0f, prediction.Heatmap.Values.Min(), 5);
    }

    [Theory]
    [InlineData(0.0, 0, 0, 128)]
    [InlineData(0.5, 128, 255, 128)]
    [InlineData(1.0, 128, 0, 0)]
    public void Jet_runs_from_dark_blue_through_green_to_dark_red(double value, int r, int g, int b) =>
        Assert.Equal(((byte)r, (byte)g, (byte)b), GradCamOverlay.JetColor(value));

    [Fact]
    public void Overlay_is_jet_over_the_crop_the_model_saw_and_dims_the_rest()
    {
        using var photo = new SKBitmap(new SKImageInfo(300, 200, SKColorType.Rgba8888, SKAlphaType.Opaque));
        photo.Erase(new SKColor(128, 128, 128));
        var map = new float[49];
        map[24] = 1; // hot centre, cold elsewhere
        var crop = View.Center.Region(300, 200);
        using var overlay = GradCamOverlay.Render(photo, new Heatmap(map, 7, 7, ExplanationKind.GradCam), crop);

        var centre = overlay.GetPixel(150, 100);
        Assert.True(centre.Red > 128 && centre.Blue < 100, $"the hot centre is red over grey, not {centre}");
        var cornerOfCrop = overlay.GetPixel((int)crop.Left + 1, (int)crop.Top + 1);
        Assert.True(cornerOfCrop.Blue > cornerOfCrop.Red, "cold areas are blue");
        var outside = overlay.GetPixel(5, 100);
        Assert.True(outside.Red < 128 && outside.Red == outside.Blue, "outside the crop the photo is dimmed, not coloured");
    }

    [Fact]
    public void The_committed_head_explains_the_whole_photo_inside_its_bars_so_a_performer_at_the_edge_is_covered()
    {
        Assert.Equal([View.Whole], TestData.Classifier.Value.Views);
        // A tall phone picture: 637 rows of plain black above the performer, who stands at the bottom.
        // (Small and bright against black, she is also looked at closer; this is the whole view's own answer.)
        var bytes = File.ReadAllBytes(TestData.Photo("Lover/ett-lover.png"));
        var analyzed = ImagePipeline.Analyze(bytes, FileSniffer.SniffImage(bytes), TestData.Classifier.Value, PixelLimits.None);
        using var decoded = ImageDecoder.Decode(bytes, FileSniffer.SniffImage(bytes), PixelLimits.None, ModelInput.ResizeShortSide);
        using var output = TestData.Classifier.Value.Run([decoded.Upright]);
        var whole = TestData.Classifier.Value.Interpret(output, [decoded.Upright])[0];
        var crop = whole.Crop;
        Assert.Equal(ContentBounds.Find(decoded.Upright), crop);
        Assert.Equal(decoded.Upright.Height, crop.Bottom);
        Assert.True(crop.Top > 0.25f * decoded.Upright.Height, $"the black top is trimmed: {crop}");
        Assert.True(crop.Width > 0.7f * decoded.Upright.Width, $"the map is as wide as the picture's content, not a centred square: {crop}");

        using var display = SKBitmap.Decode(analyzed.Display);
        float scale = (float)display.Height / decoded.Upright.Height;
        using var rgba = display.Copy(SKColorType.Rgba8888);
        using var overlay = GradCamOverlay.Render(rgba, whole.Heatmap, new SKRect(crop.Left * scale, crop.Top * scale, crop.Right * scale, crop.Bottom * scale));
        // Inside the crop every row is coloured by the map, its top as much as its bottom.
        foreach (int y in new[] { (int)(crop.Top * scale) + 3, (int)(crop.MidY * scale), display.Height - 3 })
        {
            var (o, d) = (overlay.GetPixel(display.Width / 2, y), display.GetPixel(display.Width / 2, y));
            Assert.True(Math.Abs(o.Red - d.Red) + Math.Abs(o.Green - d.Green) + Math.Abs(o.Blue - d.Blue) > 30, $"row {y}: {o} over {d} is not coloured");
        }
    }

    [Theory]
    [InlineData("Acoustic/sis-blue-hi.jpg", 810)] // 540x810: smaller than the display limit, kept whole
    [InlineData("Red/etl-17.jpeg", 950)]         // 1900x1267: decoded at 4/8, the smallest scale near 1024
    public void Pipeline_makes_three_pictures_of_the_right_sizes(string file, int displayLongSide)
    {
        var bytes = File.ReadAllBytes(TestData.Photo(file));
        var analyzed = ImagePipeline.Analyze(bytes, FileSniffer.SniffImage(bytes), TestData.Classifier.Value, PixelLimits.None);
        using var display = SKBitmap.Decode(analyzed.Display);
        using var thumbnail = SKBitmap.Decode(ImagePipeline.Thumbnail(analyzed.Display));
        using var gradCam = SKBitmap.Decode(ImagePipeline.Overlay(analyzed.Display, analyzed.Heatmap));
        Assert.Equal(displayLongSide, Math.Max(display.Width, display.Height));
        Assert.Equal(256, Math.Max(thumbnail.Width, thumbnail.Height));
        Assert.Equal((display.Width, display.Height), (gradCam.Width, gradCam.Height));
        Assert.Equal((double)analyzed.Width / analyzed.Height, (double)display.Width / display.Height, 2);
    }
}
