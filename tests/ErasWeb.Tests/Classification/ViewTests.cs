using ErasWeb.Classification;
using ErasWeb.Tests.Support;
using SkiaSharp;

namespace ErasWeb.Tests.Classification;

public class ViewTests
{
    [Theory]
    [InlineData(4000, 3000, 0.875f, 0.5f, 0.5f, 687.5f, 187.5f, 2625f)]
    [InlineData(3000, 4000, 0.875f, 0.5f, 0.5f, 187.5f, 687.5f, 2625f)]
    [InlineData(4000, 3000, 0.8f, 0f, 1f, 0f, 600f, 2400f)]   // a corner: the square stays inside the image
    [InlineData(4000, 3000, 1f, 1f, 0f, 1000f, 0f, 3000f)]
    public void A_view_is_a_square_of_the_short_side_kept_inside_the_image(int width, int height, float scale, float x, float y, float left, float top, float side)
    {
        var region = new View("test", scale, x, y).Region(width, height);
        Assert.Equal(new SKRect(left, top, left + side, top + side), region);
    }

    [Fact]
    public void A_mirrored_view_is_the_mirror_image_of_its_square_whether_resampled_or_copied()
    {
        using var photo = Images.Load(TestData.Photo("Lover/etl-3.jpeg"));
        const int length = ModelInput.Length, size = ModelInput.Size;
        var center = new float[length];
        var mirrored = new float[length];
        ModelInput.Write(photo, View.Center, center);
        ModelInput.Write(photo, View.CenterMirrored, mirrored);
        var batch = ModelInput.RentBatch([photo], [View.Center, View.CenterMirrored]);
        try
        {
            Assert.Equal(center, batch.AsSpan(0, length).ToArray());
            Assert.Equal(mirrored, batch.AsSpan(length, length).ToArray());
        }
        finally { System.Buffers.ArrayPool<float>.Shared.Return(batch); }
        for (int row = 0; row < 3 * size; row++)
            for (int x = 0; x < size; x++)
                Assert.Equal(center[row * size + x], mirrored[row * size + size - 1 - x]);
        Assert.NotEqual(center, mirrored);
    }

    [Fact]
    public void The_whole_view_stretches_the_whole_photo_to_the_square_input()
    {
        // A 2:1 photo, left half red and right half blue: stretched, each colour fills half the input.
        using var photo = new SKBitmap(new SKImageInfo(896, 448, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(photo))
        {
            canvas.Clear(SKColors.Blue);
            using var red = new SKPaint { Color = SKColors.Red };
            canvas.DrawRect(0, 0, 448, 448, red);
        }
        var input = new float[ModelInput.Length];
        ModelInput.Write(photo, View.Whole, input);
        const int size = ModelInput.Size;
        float redAt(int x, int y) => input[y * size + x];          // the red plane comes first
        float blueAt(int x, int y) => input[2 * size * size + y * size + x];
        Assert.True(redAt(size / 2 - 2, 10) > 2 && blueAt(size / 2 - 2, 10) < 0, "the left half of the input is the red half of the photo");
        Assert.True(blueAt(size / 2 + 1, size - 10) > 2 && redAt(size / 2 + 1, size - 10) < 0, "the right half is the blue half");
    }

    [Fact]
    public void With_mirror_views_a_mirrored_photo_gets_the_same_answer_and_the_mirrored_heatmap()
    {
        // Centre squares, whose resampling is exactly mirror-symmetric: the int8 backbone can turn even
        // a 1e-5 difference in its input into a visibly different answer.
        using var classifier = TestData.ClassifierWithViews(View.Center, View.CenterMirrored);
        using var photo = Images.Load(TestData.Photo("Midnights/etl-31.jpeg"));
        using var flipped = new SKBitmap(photo.Info);
        using (var canvas = new SKCanvas(flipped))
        {
            canvas.Scale(-1, 1, photo.Width / 2f, 0);
            canvas.DrawBitmap(photo, 0, 0, SKSamplingOptions.Default, null);
        }

        var a = classifier.Classify(photo);
        var b = classifier.Classify(flipped);

        Assert.Equal(a.Probabilities, b.Probabilities, new FloatTolerance(1e-4f));
        int size = a.Heatmap.Width;
        Assert.True(a.Heatmap.Values.Max() > 0.99f);
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
                Assert.Equal(a.Heatmap.Values[y * size + x], b.Heatmap.Values[y * size + size - 1 - x], 2e-3f);
        // Grad-CAM of a single view would not be symmetric like this: the two views really are combined.
        var single = TestData.CenterViewClassifier.Value.Classify(photo).Heatmap.Values;
        Assert.NotEqual(single, a.Heatmap.Values, new FloatTolerance(1e-3f));
    }
}
