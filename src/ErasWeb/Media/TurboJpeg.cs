using System.Runtime.InteropServices;
using SkiaSharp;

namespace ErasWeb.Media;

/// <summary>
/// libjpeg-turbo's TurboJPEG API (Debian: libturbojpeg0), with its x86 SIMD code. SkiaSharp's own JPEG
/// codec is libjpeg-turbo as well, but Skia builds it without SIMD on x86 (its build turns SIMD on for
/// ARM only; SkiaSharp 4.155's library carries none of the SIMD dispatch), so on this machine class
/// TurboJPEG encodes several times faster (BENCHMARKS.md) and decodes a 12 MP photo at 1/4 scale in two
/// thirds of the time. Encoding otherwise keeps TurboJPEG's defaults: its fast integer DCT and the
/// standard Huffman tables (no optimising pass). Absent the library, callers use Skia.
/// </summary>
public static partial class TurboJpeg
{
    const string Library = "libturbojpeg.so.0";
    const int PixelFormatRgba = 7, PixelFormatBgra = 8;

    public static readonly bool IsAvailable = NativeLibrary.TryLoad(Library, out _);

    // A TurboJPEG handle serves one call at a time; pooled, there are never more than calls at once.
    static readonly System.Collections.Concurrent.ConcurrentBag<nint> Compressors = [], Decompressors = [];

    /// <summary>
    /// Decodes into <paramref name="target"/> (RGBA, already sized to one of libjpeg's k/8 scales of
    /// the image); false if the library is absent or cannot take this file (a CMYK JPEG, say).
    /// </summary>
    public static unsafe bool TryDecode(ReadOnlySpan<byte> jpeg, SKBitmap target)
    {
        if (!IsAvailable || target.ColorType != SKColorType.Rgba8888) return false;
        var decompressor = Decompressors.TryTake(out var handle) ? handle : tjInitDecompress();
        try
        {
            fixed (byte* source = jpeg)
                return tjDecompress2(decompressor, (nint)source, (nuint)jpeg.Length, target.GetPixels(), target.Width, target.RowBytes, target.Height, PixelFormatRgba, 0) == 0;
        }
        finally
        {
            Decompressors.Add(decompressor);
        }
    }

    public static byte[] Encode(SKBitmap bitmap, int quality, JpegChroma chroma = JpegChroma.Subsampled420)
    {
        int format = bitmap.ColorType switch
        {
            SKColorType.Rgba8888 => PixelFormatRgba,
            SKColorType.Bgra8888 => PixelFormatBgra,
            _ => throw new ArgumentException($"Unsupported pixel format {bitmap.ColorType}."),
        };
        var compressor = Compressors.TryTake(out var handle) ? handle : tjInitCompress();
        nint buffer = 0;
        nuint size = 0;
        try
        {
            if (tjCompress2(compressor, bitmap.GetPixels(), bitmap.Width, bitmap.RowBytes, bitmap.Height, format, ref buffer, ref size, (int)chroma, quality, 0) != 0)
                throw new InvalidOperationException("TurboJPEG could not encode the image: " + Marshal.PtrToStringUTF8(tjGetErrorStr2(compressor)));
            var jpeg = new byte[(int)size];
            Marshal.Copy(buffer, jpeg, 0, jpeg.Length);
            return jpeg;
        }
        finally
        {
            if (buffer != 0) tjFree(buffer);
            Compressors.Add(compressor);
        }
    }

    [LibraryImport(Library)] private static partial nint tjInitCompress();
    [LibraryImport(Library)] private static partial int tjCompress2(nint handle, nint source, int width, int pitch, int height, int pixelFormat, ref nint jpeg, ref nuint jpegSize, int subsampling, int quality, int flags);
    [LibraryImport(Library)] private static partial void tjFree(nint buffer);
    [LibraryImport(Library)] private static partial nint tjInitDecompress();
    [LibraryImport(Library)] private static partial int tjDecompress2(nint handle, nint jpeg, nuint jpegSize, nint destination, int width, int pitch, int height, int pixelFormat, int flags);
    [LibraryImport(Library)] private static partial nint tjGetErrorStr2(nint handle);
}

/// <summary>
/// How much colour detail a JPEG keeps (TurboJPEG's TJSAMP values). Half in each direction (4:2:0) is what
/// cameras write and what ErasWeb stores: full colour (4:4:4) took 1.6 to 1.9 times as long for files a quarter larger (BENCHMARKS.md).
/// </summary>
public enum JpegChroma { Full444 = 0, Subsampled420 = 2 }
