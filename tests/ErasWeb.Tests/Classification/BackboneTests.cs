using ErasWeb.Classification;
using ErasWeb.Media;
using ErasWeb.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace ErasWeb.Tests.Classification;

public class BackboneTests
{
    static string[] ImageNetLabels() =>
        File.ReadAllLines(Path.Combine(TestData.SanityDir, "imagenet_labels_1001.txt")).Skip(1).ToArray(); // line 1 is "background"

    [Theory]
    [InlineData("cat.bmp", "Egyptian cat")]
    [InlineData("hot_dog.jpg", "hotdog")]
    public void Preprocessing_matches_the_model_card_so_sanity_images_get_their_ImageNet_class(string file, string expected)
    {
        var bytes = File.ReadAllBytes(Path.Combine(TestData.SanityDir, file));
        using var image = ImageDecoder.Decode(bytes, FileSniffer.Sniff(bytes), PixelLimits.None, ModelInput.ResizeShortSide);
        using var output = TestData.CenterViewClassifier.Value.Run([image.Upright]);
        var logits = output.ImageNetLogits(0).ToArray();
        int top1 = Array.IndexOf(logits, logits.Max());
        Assert.Equal(expected, ImageNetLabels()[top1].Split(", ")[0]);
    }

    [Fact]
    public void One_run_gives_logits_and_the_feature_map_for_a_batch()
    {
        using var a = Images.Load(TestData.Photo("Lover/etl-3.jpeg"));
        using var b = Images.Load(Path.Combine(TestData.SanityDir, "hot_dog.jpg"));
        using var output = TestData.CenterViewClassifier.Value.Run([a, b]);
        Assert.Equal(2, output.BatchSize);
        Assert.Equal(1000, output.ImageNetLogits(1).Length);
        Assert.Equal(1280 * 7 * 7, output.FeatureMap(1).Length);
        // A batch answers as single runs do.
        using var single = TestData.CenterViewClassifier.Value.Run([b]);
        Assert.Equal(single.FeatureMap(0).ToArray(), output.FeatureMap(1).ToArray(), new FloatTolerance(1e-3f));
        Assert.NotEqual(output.FeatureMap(0).ToArray(), output.FeatureMap(1).ToArray());
    }

    [Fact]
    public void Graph_edit_declares_the_feature_map_output_once_and_refuses_unknown_tensors()
    {
        var original = File.ReadAllBytes(Path.Combine(TestData.BackboneSource, BackboneSpec.MobileNetV2Int8.FileName));
        Assert.Equal(["output"], OnnxGraphEditor.ReadOutputNames(original));
        var edited = OnnxGraphEditor.AddFloatOutput(original, "627", ["batch", 1280, 7, 7]);
        Assert.Equal(["output", "627"], OnnxGraphEditor.ReadOutputNames(edited));
        Assert.Equal(edited, OnnxGraphEditor.AddFloatOutput(edited, "627", ["batch", 1280, 7, 7]));
        Assert.Throws<InvalidDataException>(() => OnnxGraphEditor.AddFloatOutput(original, "no-such-tensor", [1]));
    }

    [Fact]
    public async Task Provisioning_refuses_a_file_with_the_wrong_checksum()
    {
        var dir = TestData.NewTempDir("tampered");
        var bytes = File.ReadAllBytes(Path.Combine(TestData.BackboneSource, BackboneSpec.MobileNetV2Int8.FileName));
        bytes[^1] ^= 0xFF;
        File.WriteAllBytes(Path.Combine(dir, BackboneSpec.MobileNetV2Int8.FileName), bytes);
        var provisioner = new BackboneProvisioner(BackboneSpec.MobileNetV2Int8, dir, TestData.NewTempDir("data"), NullLogger.Instance);
        var error = await Assert.ThrowsAsync<BackboneUnavailableException>(() => provisioner.PrepareAsync(CancellationToken.None));
        Assert.Contains("sha256", error.Message);
        Assert.Contains(BackboneSpec.MobileNetV2Int8.Sha256, error.Message);
        Assert.Empty(Directory.GetFiles(provisioner.ModelsDir));
    }

    [Fact]
    public async Task Provisioning_prepares_once_and_reuses_the_cached_graph()
    {
        var provisioner = new BackboneProvisioner(BackboneSpec.MobileNetV2Int8, TestData.BackboneSource, TestData.NewTempDir("data"), NullLogger.Instance);
        var first = await provisioner.PrepareAsync(CancellationToken.None);
        var marked = new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(first, marked);
        var second = await provisioner.PrepareAsync(CancellationToken.None);
        Assert.Equal(first, second);
        Assert.Equal(marked, File.GetLastWriteTimeUtc(second)); // not written again
        Assert.Contains(BackboneSpec.MobileNetV2Int8.Sha256[..12], Path.GetFileName(first));
    }

    [Fact]
    public async Task Provisioning_names_the_missing_file()
    {
        var provisioner = new BackboneProvisioner(BackboneSpec.MobileNetV2Int8, TestData.NewTempDir("empty"), TestData.NewTempDir("data"), NullLogger.Instance);
        var error = await Assert.ThrowsAsync<BackboneUnavailableException>(() => provisioner.PrepareAsync(CancellationToken.None));
        Assert.Contains("mobilenetv2-12-int8.onnx", error.Message);
        Assert.Contains("ERAS_BACKBONE_SOURCE", error.Message);
    }
}

public sealed class FloatTolerance(float tolerance) : IEqualityComparer<float>
{
    public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance;
    public int GetHashCode(float obj) => 0;
}
