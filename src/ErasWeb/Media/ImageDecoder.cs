using System.Numerics;
using ErasWeb.Localisation;
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

/// <summary>
/// How many pixels an image may declare: any image, and one that has to be decoded at full size
/// (PNG, BMP, GIF, progressive JPEG), whose cost in time and memory grows with every pixel.
/// </summary>
public readonly record struct PixelLimits(long MaxPixels, long MaxFullDecodePixels)
{
    /// <summary>For images known to be sound, such as those the app made itself.</summary>
    public static readonly PixelLimits None = new(long.MaxValue, long.MaxValue);
}

public static class ImageDecoder
{
    public const int DisplayLongSide = 1024;

    /// <summary>
    /// A full-size decode larger than this (a 4K screen) is shrunk right after decoding. Smaller ones
    /// are kept as decoded: they cost little, and the committed head was trained on them that way.
    /// </summary>
    const long ShrinkAbovePixels = 8_300_000;

    /// <summary>
    /// Decodes straight to the smallest scale the codec offers (JPEG: k/8) whose long side still
    /// reaches about the display size and whose short side covers the model's resize. A full-size
    /// decode of a 12 MP JPEG costs ten times more and is then thrown away. SKCodec reads the
    /// header, EXIF orientation and every format; JPEG pixels go through libjpeg-turbo when present.
    /// Transparent pixels are flattened onto <paramref name="background"/> (white by default); a
    /// background that is itself transparent keeps the transparency (premultiplied).
    /// Both pixel limits are checked from the header, before any pixel is allocated: a 1 KB file
    /// can declare 10000x10000 pixels, and only a sequential JPEG or a WebP is decoded straight to a smaller size.
    /// </summary>
    public static unsafe DecodedImage Decode(ReadOnlySpan<byte> bytes, SniffResult sniff, PixelLimits limits, int modelShortSide, SKColor? background = null)
    {
        if (bytes.Length == 0) throw MediaRejectedException.Empty();
        if (sniff.Format == MediaFormat.Jpeg && !HasEndOfImage(bytes))
            throw MediaRejectedException.Corrupt(sniff.Name, Describe(SKCodecResult.IncompleteInput));
        // Skia reads the bytes where they are, pinned while its codec lives, rather than from a native copy of every upload.
        fixed (byte* pinned = bytes)
        {
            using var data = SKData.Create((nint)pinned, bytes.Length);
            return Decode(data, bytes, sniff, limits, modelShortSide, background);
        }
    }

    /// <summary>Decodes <paramref name="bytes"/>, which <paramref name="data"/> wraps for Skia.</summary>
    static DecodedImage Decode(SKData data, ReadOnlySpan<byte> bytes, SniffResult sniff, PixelLimits limits, int modelShortSide, SKColor? background)
    {
        using var codec = SKCodec.Create(new SKMemoryStream(data), out var createResult)
            ?? throw MediaRejectedException.Corrupt(sniff.Name, Describe(createResult));

        var info = codec.Info;
        long pixels = (long)info.Width * info.Height;
        if (pixels > limits.MaxPixels)
            throw MediaRejectedException.TooManyPixels(info.Width, info.Height, limits.MaxPixels);
        if (info.Width <= 0 || info.Height <= 0)
            throw MediaRejectedException.Corrupt(sniff.Name, Texts.Say("Media.NoPixels"));
        // libwebp shrinks row by row as it decodes, so a WebP's memory stays small; its time (about
        // 4 ms per megapixel of a trivial picture) is what MaxPixels bounds.
        bool decodedScaled = sniff.Format == MediaFormat.WebP || sniff.Format == MediaFormat.Jpeg && IsSequentialJpeg(bytes);
        if (!decodedScaled && pixels > limits.MaxFullDecodePixels)
            throw MediaRejectedException.TooManyPixelsToDecodeWhole(sniff.Format == MediaFormat.Jpeg ? "progressive JPEG" : sniff.Name,
                info.Width, info.Height, limits.MaxFullDecodePixels, limits.MaxPixels);

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

            if (size == info.Size && alpha != SKAlphaType.Opaque && (background ?? SKColors.White).Alpha == 255)
            {
                // Flattened in place: a second full-size bitmap for the background would double the memory.
                if ((background ?? SKColors.White) == SKColors.White) FlattenOntoWhite(decoded);
                else using (var canvas = new SKCanvas(decoded)) canvas.DrawColor(background!.Value, SKBlendMode.DstOver);
                alpha = SKAlphaType.Opaque;
            }
            if (alpha == SKAlphaType.Opaque && (long)size.Width * size.Height > ShrinkAbovePixels && ShrinkTarget(size, modelShortSide) is { } smaller)
            {
                // A format decoded at full size is shrunk once, here, rather than by every later step:
                // halved in place while that stays above the target (no second large buffer), then resampled.
                using var halved = HalveInPlace(decoded, smaller);
                var shrunk = AreaResampler.Resize(halved, new SKRect(0, 0, halved.Width, halved.Height), smaller.Width, smaller.Height);
                decoded.Dispose();
                decoded = shrunk;
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

    /// <summary>
    /// A JPEG this app made itself (a display copy: upright, opaque, sound), decoded at the smallest of
    /// libjpeg's k/8 scales whose long side still reaches <paramref name="longSide"/>: a thumbnail is
    /// read from an eighth to a quarter of the pixels. The bitmap is the caller's to draw on.
    /// </summary>
    public static unsafe SKBitmap DecodeOwnJpeg(ReadOnlySpan<byte> jpeg, int longSide = int.MaxValue)
    {
        fixed (byte* pinned = jpeg)
        {
            using var data = SKData.Create((nint)pinned, jpeg.Length);
            using var codec = SKCodec.Create(new SKMemoryStream(data), out var createResult)
                ?? throw new InvalidOperationException($"A stored picture cannot be read: {Describe(createResult)}");
            var size = codec.Info.Size;
            for (int eighths = 1; eighths < 8; eighths++)
            {
                var scaled = codec.GetScaledDimensions(eighths / 8f);
                if (Math.Max(scaled.Width, scaled.Height) >= longSide) { size = scaled; break; }
            }
            var info = new SKImageInfo(size.Width, size.Height, SKColorType.Rgba8888, SKAlphaType.Opaque);
            var bitmap = new SKBitmap(info);
            if (!TurboJpeg.TryDecode(jpeg, bitmap) && codec.GetPixels(info, bitmap.GetPixels()) is var result && result != SKCodecResult.Success)
            {
                bitmap.Dispose();
                throw new InvalidOperationException($"A stored picture cannot be read: {Describe(result)}");
            }
            return bitmap;
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

    /// <summary>
    /// The size a full-size decode is shrunk to: what <see cref="ChooseDecodeSize"/> asks of a codec
    /// that scales (a long side near the display size, a short side covering the model's resize);
    /// null when shrinking would save little.
    /// </summary>
    static SKSizeI? ShrinkTarget(SKSizeI full, int modelShortSide)
    {
        int fullLong = Math.Max(full.Width, full.Height), fullShort = Math.Min(full.Width, full.Height);
        double scale = Math.Max((double)DisplayLongSide / fullLong, (double)modelShortSide / fullShort);
        if (scale > 0.5) return null;
        return new SKSizeI(Math.Max(1, (int)Math.Round(full.Width * scale)), Math.Max(1, (int)Math.Round(full.Height * scale)));
    }

    /// <summary>
    /// Averages 2x2 blocks of an opaque RGBA bitmap into its own top-left corner for as long as the
    /// result still covers <paramref name="target"/>, and returns a view of that corner (sharing the
    /// pixels, so it must not outlive <paramref name="bitmap"/>). Output row y only overwrites rows
    /// at or above 2y, which have been read; a dropped odd last row or column is one pixel of thousands.
    /// </summary>
    static SKBitmap HalveInPlace(SKBitmap bitmap, SKSizeI target)
    {
        int width = bitmap.Width, height = bitmap.Height, stride = bitmap.RowBytes / 4;
        var pixels = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, uint>(bitmap.GetPixelSpan());
        while (width / 2 >= target.Width && height / 2 >= target.Height)
        {
            width /= 2;
            height /= 2;
            for (int y = 0; y < height; y++)
            {
                int top = 2 * y * stride, bottom = top + stride, output = y * stride;
                for (int x = 0; x < width; x++)
                {
                    uint a = pixels[top + 2 * x], b = pixels[top + 2 * x + 1], c = pixels[bottom + 2 * x], d = pixels[bottom + 2 * x + 1];
                    // Two channels per 16-bit lane: the sum of four bytes fits, and the rounding stays within each lane.
                    uint evens = (a & 0x00FF00FFu) + (b & 0x00FF00FFu) + (c & 0x00FF00FFu) + (d & 0x00FF00FFu) + 0x00020002u;
                    uint odds = (a >> 8 & 0x00FF00FFu) + (b >> 8 & 0x00FF00FFu) + (c >> 8 & 0x00FF00FFu) + (d >> 8 & 0x00FF00FFu) + 0x00020002u;
                    pixels[output + x] = (evens >> 2 & 0x00FF00FFu) | (odds >> 2 & 0x00FF00FFu) << 8;
                }
            }
        }
        var view = new SKBitmap();
        view.InstallPixels(new SKImageInfo(width, height, bitmap.ColorType, bitmap.AlphaType), bitmap.GetPixels(), bitmap.RowBytes);
        return view;
    }

    /// <summary>
    /// Premultiplied RGBA over white, in place: each colour becomes c + (255 - alpha), which cannot
    /// overflow because c &lt;= alpha. Ten times faster than Skia's blend on a full-size decode.
    /// </summary>
    static void FlattenOntoWhite(SKBitmap premultiplied)
    {
        var pixels = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, uint>(premultiplied.GetPixelSpan());
        var alphaMask = new Vector<uint>(0xFF000000u);
        int i = 0;
        for (; i <= pixels.Length - Vector<uint>.Count; i += Vector<uint>.Count)
        {
            var p = new Vector<uint>(pixels[i..]);
            var transparency = new Vector<uint>(255u) - Vector.ShiftRightLogical(p, 24);
            (p + transparency * 0x010101u | alphaMask).CopyTo(pixels[i..]);
        }
        for (; i < pixels.Length; i++)
            pixels[i] = pixels[i] + (255u - (pixels[i] >> 24)) * 0x010101u | 0xFF000000u;
        premultiplied.NotifyPixelsChanged();
    }

    /// <summary>
    /// Whether the first frame header is a sequential (baseline or extended) Huffman one, which
    /// libjpeg decodes at k/8 scale row by row. A progressive JPEG keeps every DCT coefficient of the
    /// full-size image in memory until its last scan, whatever the output scale.
    /// </summary>
    static bool IsSequentialJpeg(ReadOnlySpan<byte> jpeg)
    {
        int pos = 2; // after SOI
        while (pos + 4 <= jpeg.Length && jpeg[pos] == 0xFF)
        {
            byte marker = jpeg[pos + 1];
            if (marker == 0xFF) { pos++; continue; } // fill byte
            if (marker is 0xC0 or 0xC1) return true;
            if (marker is >= 0xC2 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC) return false; // progressive, lossless, arithmetic
            if (marker == 0xDA) return false; // a scan before any frame header
            pos += 2 + (jpeg[pos + 2] << 8 | jpeg[pos + 3]);
        }
        return false;
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
        SKCodecResult.IncompleteInput => Texts.Say("Media.Truncated"),
        SKCodecResult.ErrorInInput => Texts.Say("Media.DataCorrupt"),
        SKCodecResult.Unimplemented => Texts.Say("Media.VariantUnsupported"),
        SKCodecResult.InvalidInput => Texts.Say("Media.HeaderInvalid"),
        _ => Texts.Say("Media.DecoderReported", result),
    };
}
