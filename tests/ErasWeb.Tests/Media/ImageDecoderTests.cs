using ErasWeb.Classification;
using ErasWeb.Media;
using ErasWeb.Tests.Support;
using SkiaSharp;

namespace ErasWeb.Tests.Media;

public class ImageDecoderTests
{
    static DecodedImage Decode(byte[] bytes, long maxPixels = 100_000_000, long maxFullDecodePixels = 24_000_000) =>
        ImageDecoder.Decode(bytes, FileSniffer.Sniff(bytes), new PixelLimits(maxPixels, maxFullDecodePixels), ModelInput.ResizeShortSide);

    [Fact]
    public void A_phone_photo_stored_sideways_with_EXIF_orientation_is_decoded_upright()
    {
        using var upright = Images.Resize(Images.Load(TestData.Photo("Lover/etl-3.jpeg")), 600, 800);
        using var stored = Images.RotateCounterClockwise(upright);
        var jpeg = Images.WithExifOrientation(Images.Jpeg(stored), orientation: 6); // "rotate 90 clockwise to view"

        using var decoded = Decode(jpeg);
        Assert.Equal((600, 800), (decoded.Width, decoded.Height));
        Assert.Equal((upright.Width, upright.Height), (decoded.Upright.Width, decoded.Upright.Height));
        Assert.True(MeanDifference(upright, decoded.Upright) < 6, "the decoded pixels match the upright original");

        // Without the tag the same pixels are sideways, and so is what the model sees.
        using var sideways = Decode(Images.Jpeg(stored));
        Assert.Equal((800, 600), (sideways.Width, sideways.Height));
    }

    [Fact]
    public void A_phone_photo_with_EXIF_orientation_gets_the_same_prediction_as_the_upright_one()
    {
        using var upright = Images.Load(TestData.Photo("Midnights/etl-34.jpeg"));
        using var stored = Images.RotateCounterClockwise(upright);
        using var a = Decode(Images.Jpeg(upright, 95));
        using var b = Decode(Images.WithExifOrientation(Images.Jpeg(stored, 95), 6));
        var pa = TestData.Classifier.Value.Classify(a.Upright);
        var pb = TestData.Classifier.Value.Classify(b.Upright);
        Assert.Equal(pa.Era, pb.Era);
        Assert.Equal(pa.Confidence, pb.Confidence, 0.05);
    }

    [Fact]
    public void A_12_megapixel_jpeg_is_decoded_at_a_reduced_scale_that_still_serves_display_and_model()
    {
        using var source = Images.Resize(Images.Load(TestData.Photo("Red/etl-17.jpeg")), 4000, 3000);
        using var decoded = Decode(Images.Jpeg(source));
        Assert.Equal((4000, 3000), (decoded.Width, decoded.Height));
        Assert.Equal((1000, 750), (decoded.Upright.Width, decoded.Upright.Height));
    }

    [Theory]
    [InlineData("Red/etl-18.jpeg")]           // progressive
    [InlineData("Acoustic/etl-28.jpeg")]      // 6000x4000 progressive
    public void The_libjpeg_turbo_fast_path_decodes_the_same_pixels_as_SKCodec(string file)
    {
        Assert.True(TurboJpeg.IsAvailable, "scripts/setup.sh installs libturbojpeg0");
        var bytes = File.ReadAllBytes(TestData.Photo(file));
        using var codec = SKCodec.Create(TestData.Photo(file));
        var size = codec.GetScaledDimensions(0.25f);
        var info = new SKImageInfo(size.Width, size.Height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        using var viaSkia = new SKBitmap(info);
        Assert.Equal(SKCodecResult.Success, codec.GetPixels(info, viaSkia.GetPixels()));
        using var viaTurbo = new SKBitmap(info);
        Assert.True(TurboJpeg.TryDecode(bytes, viaTurbo));
        Assert.True(MeanDifference(viaSkia, viaTurbo) < 1.5);
    }

    [Fact]
    public void Truncated_and_corrupt_files_are_refused_as_unreadable()
    {
        var jpeg = File.ReadAllBytes(TestData.Photo("Red/etl-18.jpeg"));
        var truncated = Assert.Throws<MediaRejectedException>(() => Decode(jpeg[..(jpeg.Length / 2)]));
        Assert.Equal(MediaRejection.Corrupt, truncated.Reason);
        Assert.Contains("truncated", truncated.Message);

        var garbage = jpeg[..4].Concat(Enumerable.Repeat((byte)0x5A, 5000)).ToArray();
        Assert.Equal(MediaRejection.Corrupt, Assert.Throws<MediaRejectedException>(() => Decode(garbage)).Reason);
    }

    [Fact]
    public void A_jpeg_with_data_after_its_end_like_a_motion_photo_is_decoded_not_called_truncated()
    {
        var jpeg = File.ReadAllBytes(TestData.Photo("Red/etl-18.jpeg"));
        byte[] video = [0, 0, 0, 0x18, .. "ftypmp42"u8.ToArray(), 0xFF, 0xDA, 0x12, 0x34, .. new byte[2000]];
        using var decoded = Decode([.. jpeg, .. video]);
        Assert.True(decoded.Width > 0);
    }

    [Fact]
    public void A_decompression_bomb_is_refused_from_its_header_before_any_pixel_is_allocated()
    {
        var bomb = Images.PngClaiming(50_000, 50_000);
        Assert.True(bomb.Length < 100);
        var error = Assert.Throws<MediaRejectedException>(() => Decode(bomb));
        Assert.Equal(MediaRejection.TooManyPixels, error.Reason);
        Assert.Contains("50000x50000", error.Message);
    }

    [Theory]
    [InlineData(new byte[] { 0xFF, 0xD8, 0xFF, 0xE0 }, MediaFormat.Jpeg)]
    [InlineData(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, MediaFormat.Png)]
    [InlineData(new byte[] { 0, 0, 0, 0x18, (byte)'f', (byte)'t', (byte)'y', (byte)'p', (byte)'h', (byte)'e', (byte)'i', (byte)'c' }, MediaFormat.Heif)]
    [InlineData(new byte[] { 0, 0, 0, 0x18, (byte)'f', (byte)'t', (byte)'y', (byte)'p', (byte)'i', (byte)'s', (byte)'o', (byte)'m' }, MediaFormat.Mp4)]
    [InlineData(new byte[] { 0x1A, 0x45, 0xDF, 0xA3 }, MediaFormat.Matroska)]
    [InlineData(new byte[] { (byte)'R', (byte)'I', (byte)'F', (byte)'F', 0, 0, 0, 0, (byte)'W', (byte)'E', (byte)'B', (byte)'P' }, MediaFormat.WebP)]
    [InlineData(new byte[] { (byte)'<', (byte)'s', (byte)'v', (byte)'g', (byte)' ' }, MediaFormat.Svg)]
    [InlineData(new byte[] { (byte)'h', (byte)'e', (byte)'l', (byte)'l', (byte)'o' }, MediaFormat.Text)]
    [InlineData(new byte[] { 0x00, 0x01, 0x02, 0x03, 0x04 }, MediaFormat.Unknown)]
    public void Formats_are_told_from_their_bytes(byte[] head, MediaFormat expected) =>
        Assert.Equal(expected, FileSniffer.Sniff(head).Format);

    static double MeanDifference(SKBitmap a, SKBitmap b)
    {
        double total = 0;
        int step = 7, count = 0;
        for (int y = 0; y < a.Height; y += step)
            for (int x = 0; x < a.Width; x += step)
            {
                var p = a.GetPixel(x, y); var q = b.GetPixel(x, y);
                total += Math.Abs(p.Red - q.Red) + Math.Abs(p.Green - q.Green) + Math.Abs(p.Blue - q.Blue);
                count += 3;
            }
        return total / count;
    }
}
