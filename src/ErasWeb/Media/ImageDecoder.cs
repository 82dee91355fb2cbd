using SkiaSharp;

namespace ErasWeb.Media;

/// <summary>An image decoded once, upright, at a reduced scale that still serves the display copy and the model.</summary>
public sealed class DecodedImage(SKBitmap upright, int width, int height) : IDisposable
{
    /// <summary>The decoded pixels with EXIF orientation applied.</summary>
    public SKBitmap Upright { get; } = upright;
    /// <summary>Full-resolution dimensions of the upright image.</summary>
    public int Width { get; } = width;
    public int Height { get; } = height;
    public void Dispose() => Upright.Dispose();
}

public static class ImageDecoder
{
    public const int DisplayLongSide = 1024;

    /// <summary>
    /// Decodes straight to the smallest scale the codec offers (JPEG: k/8) whose long side still
    /// reaches about the display size and whose short side covers the model's resize. A full-size
    /// decode of a 12 MP JPEG costs ten times more and is then thrown away. SKCodec reads the
    /// header, EXIF orientation and every format; JPEG pixels go through libjpeg-turbo when present.
    /// Transparent pixels are flattened onto <paramref name="background"/> (white by default); a
    /// background that is itself transparent keeps the transparency (premultiplied).
    /// </summary>
    public static DecodedImage Decode(byte[] bytes, SniffResult sniff, long maxPixels, int modelShortSide, SKColor? background = null)
    {
        if (bytes.Length == 0) throw MediaRejectedException.Empty();
        if (sniff.Format == MediaFormat.Jpeg && !HasEndOfImage(bytes))
            throw MediaRejectedException.Corrupt(sniff.Name, Describe(SKCodecResult.IncompleteInput));
        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(new SKMemoryStream(data), out var createResult)
            ?? throw MediaRejectedException.Corrupt(sniff.Name, Describe(createResult));

        var info = codec.Info;
        if ((long)info.Width * info.Height > maxPixels)
            throw MediaRejectedException.TooManyPixels(info.Width, info.Height, maxPixels);
        if (info.Width <= 0 || info.Height <= 0)
            throw MediaRejectedException.Corrupt(sniff.Name, "it declares no pixels.");

        var size = ChooseDecodeSize(codec, modelShortSide);
        var alpha = info.AlphaType == SKAlphaType.Opaque ? SKAlphaType.Opaque : SKAlphaType.Premul;
        var decodeInfo = new SKImageInfo(size.Width, size.Height, SKColorType.Rgba8888, alpha);
        var decoded = new SKBitmap(decodeInfo);
        try
        {
            if (!(sniff.Format == MediaFormat.Jpeg && TurboJpeg.TryDecode(bytes, decoded)))
            {
                var result = codec.GetPixels(decodeInfo, decoded.GetPixels());
                if (result != SKCodecResult.Success)
                    throw MediaRejectedException.Corrupt(sniff.Name, Describe(result));
            }

            var origin = codec.EncodedOrigin;
            bool swaps = origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;
            var (width, height) = swaps ? (info.Height, info.Width) : (info.Width, info.Height);
            if (origin == SKEncodedOrigin.TopLeft && alpha == SKAlphaType.Opaque)
            {
                decoded.SetImmutable(); // lets Skia draw from it without copying
                return new DecodedImage(decoded, width, height);
            }

            var upright = Upright(decoded, origin, swaps, background ?? SKColors.White);
            upright.SetImmutable();
            decoded.Dispose();
            return new DecodedImage(upright, width, height);
        }
        catch
        {
            decoded.Dispose();
            throw;
        }
    }

    static SKSizeI ChooseDecodeSize(SKCodec codec, int modelShortSide)
    {
        var full = codec.Info.Size;
        int fullLong = Math.Max(full.Width, full.Height), fullShort = Math.Min(full.Width, full.Height);
        // A display copy a little under 1024 px is fine; another JPEG scale step is not.
        double wantLong = 0.9 * Math.Min(DisplayLongSide, fullLong);
        int wantShort = Math.Min(modelShortSide, fullShort);
        for (int eighths = 1; eighths < 8; eighths++)
        {
            var size = codec.GetScaledDimensions(eighths / 8f);
            if (Math.Max(size.Width, size.Height) >= wantLong && Math.Min(size.Width, size.Height) >= wantShort)
                return size;
        }
        return full;
    }

    /// <summary>Applies the EXIF orientation, and flattens any transparency onto the background.</summary>
    static SKBitmap Upright(SKBitmap decoded, SKEncodedOrigin origin, bool swaps, SKColor background)
    {
        int w = decoded.Width, h = decoded.Height;
        var alpha = background.Alpha == 255 ? SKAlphaType.Opaque : SKAlphaType.Premul;
        var upright = new SKBitmap(new SKImageInfo(swaps ? h : w, swaps ? w : h, SKColorType.Rgba8888, alpha));
        using var canvas = new SKCanvas(upright);
        canvas.Clear(background);
        // x' = a*x + b*y + c, y' = d*x + e*y + f, mapping stored pixels to their displayed place.
        var (a, b, c, d, e, f) = origin switch
        {
            SKEncodedOrigin.TopRight => (-1f, 0f, (float)w, 0f, 1f, 0f),
            SKEncodedOrigin.BottomRight => (-1f, 0f, w, 0f, -1f, h),
            SKEncodedOrigin.BottomLeft => (1f, 0f, 0f, 0f, -1f, h),
            SKEncodedOrigin.LeftTop => (0f, 1f, 0f, 1f, 0f, 0f),
            SKEncodedOrigin.RightTop => (0f, -1f, h, 1f, 0f, 0f),
            SKEncodedOrigin.RightBottom => (0f, -1f, h, -1f, 0f, w),
            SKEncodedOrigin.LeftBottom => (0f, 1f, 0f, -1f, 0f, w),
            _ => (1f, 0f, 0f, 0f, 1f, 0f),
        };
        canvas.SetMatrix(new SKMatrix(a, b, c, d, e, f, 0, 0, 1));
        canvas.DrawBitmap(decoded, 0, 0, SKSamplingOptions.Default, null);
        return upright;
    }

    /// <summary>
    /// Skia pads a cut-off JPEG (notably a progressive one) with grey and reports success, so walk
    /// the header segments to the first start-of-scan and look for an end-of-image marker after it.
    /// It cannot occur inside entropy-coded data, where 0xFF is always stuffed, and whatever a phone
    /// appends after the image (a motion photo's video) comes after it.
    /// </summary>
    static bool HasEndOfImage(ReadOnlySpan<byte> jpeg)
    {
        int pos = 2; // after SOI
        while (pos + 4 <= jpeg.Length && jpeg[pos] == 0xFF)
        {
            byte marker = jpeg[pos + 1];
            if (marker == 0xFF) { pos++; continue; } // fill byte
            if (marker == 0xDA) return jpeg[pos..].IndexOf([(byte)0xFF, (byte)0xD9]) >= 0;
            pos += 2 + (jpeg[pos + 2] << 8 | jpeg[pos + 3]);
        }
        // Headers we cannot walk: settle for an end marker after the last start-of-scan.
        int lastScan = jpeg.LastIndexOf([(byte)0xFF, (byte)0xDA]);
        return lastScan >= 0 && jpeg[lastScan..].IndexOf([(byte)0xFF, (byte)0xD9]) >= 0;
    }

    static string Describe(SKCodecResult result) => result switch
    {
        SKCodecResult.IncompleteInput => "the file is truncated.",
        SKCodecResult.ErrorInInput => "the file's data is corrupt.",
        SKCodecResult.Unimplemented => "this variant of the format is not supported.",
        SKCodecResult.InvalidInput => "the file's header is invalid.",
        _ => $"the decoder reported {result}.",
    };
}
