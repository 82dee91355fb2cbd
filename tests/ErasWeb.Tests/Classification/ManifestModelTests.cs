using System.Net.Http.Json;
using System.Text.Json;
using ErasWeb.Classification;
using ErasWeb.Classification.Manifest;
using ErasWeb.Tests.Support;
using SkiaSharp;
using static ErasWeb.Tests.Support.OnnxModelBuilder;

namespace ErasWeb.Tests.Classification;

/// <summary>Bring-your-own models: tiny ONNX models of both interfaces, described by manifests, run as the app runs them.</summary>
public class ManifestModelTests
{
    static readonly float[] ImageNetMean = [0.485f, 0.456f, 0.406f], ImageNetStd = [0.229f, 0.224f, 0.225f];

    static ModelManifest KerasManifest(int size, string resize = "stretch", float cropFraction = 1) =>
        new(ModelManifest.CurrentFormat, "model.onnx", Labels,
            new ManifestInput("input_1", "NHWC", size, size, resize, cropFraction, "raw"),
            new ManifestOutput("probs", "probabilities"));

    static ModelManifest FeatureMapManifest(int size) =>
        new(ModelManifest.CurrentFormat, "model.onnx", Labels,
            new ManifestInput("pixels", "NCHW", size, size, "stretch", 1, "mean-std", ImageNetMean, ImageNetStd),
            new ManifestOutput("logits", "logits"),
            new ManifestExplanation("features", HeadWeights, "NCHW"));

    /// <summary>The model file and its manifest in a fresh folder; returns the manifest's path.</summary>
    static string Deploy(byte[] onnx, ModelManifest manifest)
    {
        var dir = TestData.NewTempDir("byo-model");
        File.WriteAllBytes(Path.Combine(dir, "model.onnx"), onnx);
        var path = Path.Combine(dir, "manifest.json");
        File.WriteAllBytes(path, JsonSerializer.SerializeToUtf8Bytes(manifest, ModelManifest.Json));
        return path;
    }

    static SKBitmap Picture(int width, int height, Action<SKCanvas> draw)
    {
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using var canvas = new SKCanvas(bitmap);
        draw(canvas);
        return bitmap;
    }

    static SKBitmap Solid(SKColor color, int width = 64, int height = 48) => Picture(width, height, c => c.Clear(color));

    static void Rect(SKCanvas canvas, SKColor color, float x, float y, float w, float h)
    {
        using var paint = new SKPaint { Color = color };
        canvas.DrawRect(x, y, w, h, paint);
    }

    static float[] Softmax(double[] z)
    {
        double max = z.Max(), sum = z.Sum(v => Math.Exp(v - max));
        return z.Select(v => (float)(Math.Exp(v - max) / sum)).ToArray();
    }

    [Fact]
    public void The_keras_like_interface_gives_the_networks_probabilities_and_an_occlusion_map()
    {
        using var model = ManifestModel.Load(Deploy(KerasLike(32), KerasManifest(32)), 1);
        using var red = Solid(new SKColor(255, 0, 0));
        using var blue = Solid(new SKColor(0, 0, 255));

        var answers = model.Classify([red, blue]);

        Assert.Equal("Lover", answers[0].Era);
        Assert.Equal("Midnights", answers[1].Era);
        double[] Reference(double r, double g, double b) =>
            Enumerable.Range(0, 10).Select(e => r * KerasWeights[0, e] + g * KerasWeights[1, e] + b * KerasWeights[2, e]).ToArray();
        Assert.Equal(Softmax(Reference(255, 0, 0)), answers[0].Probabilities, new FloatTolerance(1e-4f));
        Assert.Equal(Softmax(Reference(0, 0, 255)), answers[1].Probabilities, new FloatTolerance(1e-4f));
        Assert.Equal(ExplanationKind.Occlusion, answers[0].Heatmap.Kind);
        Assert.Equal(new SKRect(0, 0, 64, 48), answers[0].Crop); // stretch: the whole picture
        Assert.Equal("occlusion", model.Card.Explanation);
        Assert.StartsWith("onnx:model.onnx@", model.Version);
    }

    [Fact]
    public void The_occlusion_map_is_hottest_where_the_deciding_colour_is()
    {
        using var model = ManifestModel.Load(Deploy(KerasLike(28), KerasManifest(28)), 1);
        // Grey, with a red square exactly in the top-left cell of the 7x7 occlusion grid.
        using var picture = Picture(28, 28, c => { c.Clear(new SKColor(128, 128, 128)); Rect(c, new SKColor(255, 0, 0), 0, 0, 4, 4); });

        var answer = model.Classify(picture);

        Assert.Equal("Lover", answer.Era);
        Assert.Equal((7, 7), (answer.Heatmap.Width, answer.Heatmap.Height));
        Assert.Equal(1f, answer.Heatmap.Values[0]);
        Assert.All(answer.Heatmap.Values.Skip(1), v => Assert.True(v < 0.2f, $"{v}"));
    }

    [Fact]
    public void A_heatmap_can_be_asked_for_another_era_or_not_at_all()
    {
        using var model = ManifestModel.Load(Deploy(KerasLike(28), KerasManifest(28)), 1);
        using var picture = Picture(28, 28, c => { c.Clear(new SKColor(128, 128, 128)); Rect(c, new SKColor(255, 0, 0), 0, 0, 4, 4); });
        var winner = model.Classify(picture);

        // Without a heatmap (a video's frames): the same answer, and none of the occlusion runs.
        var bare = model.Classify([picture], HeatmapFor.None)[0];
        Assert.Equal(winner.Probabilities, bare.Probabilities);
        Assert.Empty(bare.Heatmap.Values);

        // For Midnights, the red square is what argues against it, not for it: that cell is no longer the hottest.
        var midnights = model.Classify([picture], HeatmapFor.Of(model.Labels.ToList().IndexOf("Midnights")))[0];
        Assert.Equal("Lover", midnights.Era);
        Assert.NotEqual(1f, midnights.Heatmap.Values[0]);
    }

    [Fact]
    public void The_feature_map_interface_gives_softmaxed_logits_and_exact_grad_cam()
    {
        const int size = 16;
        using var model = ManifestModel.Load(Deploy(WithFeatureMap(size), FeatureMapManifest(size)), 1);
        using var picture = Picture(size, size, c => { Rect(c, new SKColor(255, 0, 0), 0, 0, 8, 16); Rect(c, new SKColor(0, 0, 255), 8, 0, 8, 16); });

        var answer = model.Classify(picture);

        // The network by hand: normalise, 1x1 convolution, ReLU, average pool, linear head.
        var features = new double[4, size * size];
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
            {
                double[] rgb = x < 8 ? [255, 0, 0] : [0, 0, 255];
                var normalised = Enumerable.Range(0, 3).Select(c => (rgb[c] / 255 - ImageNetMean[c]) / ImageNetStd[c]).ToArray();
                for (int k = 0; k < 4; k++)
                    features[k, y * size + x] = Math.Max(0, Enumerable.Range(0, 3).Sum(c => ConvWeights[k, c] * normalised[c]));
            }
        var pooled = Enumerable.Range(0, 4).Select(k => Enumerable.Range(0, size * size).Average(p => features[k, p])).ToArray();
        var logits = HeadWeights.Select(row => row.Select((w, k) => w * pooled[k]).Sum()).ToArray();
        Assert.Equal(Softmax(logits), answer.Probabilities, new FloatTolerance(1e-4f));
        Assert.Equal("Midnights", answer.Era);

        var cam = Enumerable.Range(0, size * size).Select(p => (float)Math.Max(0, Enumerable.Range(0, 4).Sum(k => HeadWeights[Midnights][k] * features[k, p]))).ToArray();
        Assert.Equal(GradCam.Normalize(cam), answer.Heatmap.Values, new FloatTolerance(1e-4f));
        Assert.Equal(ExplanationKind.GradCam, answer.Heatmap.Kind);
        Assert.Equal(1f, answer.Heatmap.Values[size - 1]);   // the blue half made it Midnights
        Assert.Equal(0f, answer.Heatmap.Values[0]);
    }

    [Fact]
    public void Center_crop_and_stretch_show_the_model_different_parts_of_the_picture()
    {
        // A red frame around a blue centre.
        using var picture = Picture(40, 40, c => { c.Clear(new SKColor(255, 0, 0)); Rect(c, new SKColor(0, 0, 255), 10, 10, 20, 20); });
        using var stretch = ManifestModel.Load(Deploy(KerasLike(20), KerasManifest(20)), 1);
        using var crop = ManifestModel.Load(Deploy(KerasLike(20), KerasManifest(20, "center-crop", 0.5f)), 1);

        Assert.Equal("Lover", stretch.Classify(picture).Era);
        var cropped = crop.Classify(picture);
        Assert.Equal("Midnights", cropped.Era);
        Assert.Equal(new SKRect(10, 10, 30, 30), cropped.Crop);
    }

    [Fact]
    public void A_flat_answer_is_uncertain_and_a_clear_one_is_not()
    {
        using var model = ManifestModel.Load(Deploy(KerasLike(16), KerasManifest(16)), 1);
        using var black = Solid(SKColors.Black);
        using var red = Solid(new SKColor(255, 0, 0));

        var answers = model.Classify([black, red]);

        Assert.Equal(UncertainReasons.LowConfidence(answers[0].Confidence, 0.5f), answers[0].UncertainReason);
        Assert.Null(answers[1].UncertainReason);
    }

    [Fact]
    public void A_model_with_a_fixed_batch_of_one_still_classifies_several_pictures()
    {
        using var model = ManifestModel.Load(Deploy(KerasLike(16, fixedBatch: true), KerasManifest(16)), 1);
        using var red = Solid(new SKColor(255, 0, 0));
        using var blue = Solid(new SKColor(0, 0, 255));

        Assert.Equal(["Lover", "Midnights", "Lover"], model.Classify([red, blue, red]).Select(a => a.Era));
    }

    public static TheoryData<string, string> BadManifests => new()
    {
        { "missing-model", "does not exist" },
        { "wrong-input", "has no input 'image'" },
        { "nine-labels", "gives 10 values per image but the manifest has 9 labels" },
        { "short-head-rows", "head_weights rows have 3 values" },
        { "wrong-sha", "not the 0000" },
        { "bad-layout", "\"input.layout\" is 'HWC'" },
    };

    [Theory]
    [MemberData(nameof(BadManifests))]
    public void A_manifest_that_does_not_fit_its_model_is_refused_with_the_reason(string problem, string message)
    {
        var keras = KerasManifest(16);
        var path = problem switch
        {
            "missing-model" => Deploy(KerasLike(16), keras with { Model = "elsewhere.onnx" }),
            "wrong-input" => Deploy(KerasLike(16), keras with { Input = keras.Input with { Name = "image" } }),
            "nine-labels" => Deploy(KerasLike(16), keras with { Labels = Labels[..9] }),
            "short-head-rows" => Deploy(WithFeatureMap(16), FeatureMapManifest(16) with { Explanation = new ManifestExplanation("features", HeadWeights.Select(r => r[..3]).ToArray()) }),
            "wrong-sha" => Deploy(KerasLike(16), keras with { Sha256 = new string('0', 64) }),
            _ => Deploy(KerasLike(16), keras with { Input = keras.Input with { Layout = "HWC" } }),
        };

        var error = Assert.Throws<InvalidDataException>(() => ManifestModel.Load(path, 1));
        Assert.Contains(message, error.Message);
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public async Task The_app_serves_a_manifest_model_and_stores_which_model_answered()
    {
        var manifest = Deploy(KerasLike(32), KerasManifest(32));
        var app = new AppFixture { Settings = new Dictionary<string, string?> { ["Eras:ModelManifest"] = manifest } };
        await app.InitializeAsync();
        try
        {
            using var red = Solid(new SKColor(230, 20, 30), 320, 240);
            var answer = await app.UploadJsonAsync<JsonElement>(Images.Jpeg(red), "red.jpg");

            Assert.Equal("Lover", answer.GetProperty("predicted_class").GetString());
            Assert.Equal("occlusion", answer.GetProperty("explanation").GetString());
            var version = answer.GetProperty("model_version").GetString()!;
            Assert.StartsWith("onnx:model.onnx@", version);
            var card = await app.Client.GetFromJsonAsync<JsonElement>("/api/model");
            Assert.Equal(version, card.GetProperty("model_version").GetString());
            Assert.Equal("onnx-manifest", card.GetProperty("kind").GetString());
            var stored = await app.Client.GetFromJsonAsync<JsonElement>($"/api/predictions/{answer.GetProperty("prediction_id").GetInt64()}");
            Assert.Equal(version, stored.GetProperty("model_version").GetString());
            var overlay = await app.Client.GetByteArrayAsync(answer.GetProperty("gradcam_url").GetString());
            using var decoded = SKBitmap.Decode(overlay);
            Assert.Equal(320, decoded.Width);
        }
        finally { await app.DisposeAsync(); }
    }

    [Fact]
    public void The_readmes_manifest_for_the_prototypes_efficientnet_describes_it()
    {
        var readme = File.ReadAllText(Path.Combine(Path.GetDirectoryName(TestData.CommittedHead)!, "..", "README.md"));
        var start = readme.IndexOf("```json\n{\n  \"format\": \"erasweb-model-manifest/1\"", StringComparison.Ordinal) + "```json\n".Length;
        var json = readme[start..readme.IndexOf("```", start, StringComparison.Ordinal)];

        var manifest = ModelManifest.Parse(System.Text.Encoding.UTF8.GetBytes(json), "README.md");

        Assert.Equal(("NHWC", 384, 384, "raw", "stretch"), (manifest.Input.Layout, manifest.Input.Width, manifest.Input.Height, manifest.Input.Scaling, manifest.Input.Resize));
        Assert.Equal(("probabilities", 10), (manifest.Output.Kind, manifest.Labels.Count));
        Assert.Null(manifest.Explanation);
    }
}
