using ErasWeb.Media;
using SkiaSharp;

namespace ErasWeb.Tests.Media;

public class ImageEncoderTests
{
    static SKBitmap Checkerboard(int width, int height)
    {
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                bitmap.SetPixel(x, y, (x + y) % 2 == 0 ? new SKColor(255, 0, 40) : new SKColor(0, 255, 40));
        return bitmap;
    }

    [Fact]
    public void Area_resampling_averages_what_each_output_pixel_covers_instead_of_aliasing()
    {
        using var checkers = Checkerboard(300, 200);
        using var small = AreaResampler.Resize(checkers, new SKRect(0, 0, 300, 200), 30, 20);
        for (int y = 0; y < 20; y += 3)
            for (int x = 0; x < 30; x += 3)
            {
                var p = small.GetPixel(x, y);
                Assert.InRange(p.Red, 126, 129);
                Assert.InRange(p.Green, 126, 129);
                Assert.Equal(40, p.Blue);
            }
    }

    [Fact]
    public void Fitting_keeps_the_aspect_ratio_and_never_enlarges()
    {
        using var wide = Checkerboard(2000, 500);
        using var fitted = ImageEncoder.FitWithin(wide, 1024);
        Assert.Equal((1024, 256), (fitted.Width, fitted.Height));
        using var small = Checkerboard(100, 80);
        Assert.Same(small, ImageEncoder.FitWithin(small, 1024));
    }

    [Fact]
    public void Both_jpeg_encoders_write_files_that_decode_to_the_same_picture()
    {
        Assert.Contains("TurboJPEG", ImageEncoder.JpegEncoderName); // scripts/setup.sh installs libturbojpeg0
        using var photo = Support.Images.Load(Support.TestData.Photo("Red/etl-17.jpeg"));
        var fast = ImageEncoder.Jpeg(photo, 85);
        var skia = ImageEncoder.SkiaJpeg(photo, 85);
        Assert.True(FileSniffer.Sniff(fast).Format == MediaFormat.Jpeg && FileSniffer.Sniff(skia).Format == MediaFormat.Jpeg);
        using var a = SKBitmap.Decode(fast);
        using var b = SKBitmap.Decode(skia);
        Assert.Equal((photo.Width, photo.Height), (a.Width, a.Height));
        Assert.Equal((photo.Width, photo.Height), (b.Width, b.Height));
        var pa = a.GetPixel(photo.Width / 2, photo.Height / 2);
        var pb = b.GetPixel(photo.Width / 2, photo.Height / 2);
        Assert.InRange(Math.Abs(pa.Red - pb.Red) + Math.Abs(pa.Green - pb.Green) + Math.Abs(pa.Blue - pb.Blue), 0, 30);
    }
}
