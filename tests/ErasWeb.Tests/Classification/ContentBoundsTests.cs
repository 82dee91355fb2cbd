using ErasWeb.Classification;
using ErasWeb.Tests.Support;
using SkiaSharp;

namespace ErasWeb.Tests.Classification;

public class ContentBoundsTests
{
    [Fact]
    public void Letterbox_and_pillarbox_bars_are_trimmed_to_the_picture_inside()
    {
        // A stage photo pillarboxed into a wide frame, then letterboxed: noisy bars as a video codec leaves them.
        using var photo = Images.Load(TestData.Photo("Midnights/etl-34.jpeg"));
        using var frame = new SKBitmap(new SKImageInfo(1600, 1200, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var random = new Random(3);
        var pixels = frame.GetPixelSpan();
        for (int i = 0; i < pixels.Length; i += 4) (pixels[i], pixels[i + 1], pixels[i + 2], pixels[i + 3]) = ((byte)random.Next(12), (byte)random.Next(12), (byte)random.Next(12), 255);
        frame.NotifyPixelsChanged();
        using (var canvas = new SKCanvas(frame))
            canvas.DrawBitmap(photo, new SKRect(400, 100, 1100, 1000), new SKSamplingOptions(SKFilterMode.Linear));

        Assert.Equal(new SKRect(400, 100, 1100, 1000), ContentBounds.Find(frame));
    }

    [Fact]
    public void A_photo_without_bars_keeps_its_frame_and_a_flat_picture_its_middle()
    {
        using var photo = Images.Load(TestData.Photo("Red/etl-17.jpeg"));
        Assert.Equal(new SKRect(0, 0, photo.Width, photo.Height), ContentBounds.Find(photo));

        using var flat = new SKBitmap(new SKImageInfo(300, 200, SKColorType.Rgba8888, SKAlphaType.Opaque));
        flat.Erase(SKColors.Purple);
        var bounds = ContentBounds.Find(flat);
        Assert.True(bounds.Width >= 0.1f * 300 && bounds.Height >= 0.1f * 200, $"a flat picture keeps a middle part: {bounds}");
    }
}
