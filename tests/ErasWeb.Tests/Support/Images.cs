using SkiaSharp;

namespace ErasWeb.Tests.Support;

/// <summary>Images made in the tests: re-encodings of shared photos, EXIF variants, and broken files.</summary>
public static class Images
{
    public static SKBitmap Load(string path)
    {
        using var codec = SKCodec.Create(path) ?? throw new InvalidDataException(path);
        var bitmap = new SKBitmap(new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Premul));
        codec.GetPixels(bitmap.Info, bitmap.GetPixels());
        return bitmap;
    }

    public static byte[] Jpeg(SKBitmap bitmap, int quality = 90)
    {
        using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, quality);
        return data.ToArray();
    }

    public static byte[] Png(SKBitmap bitmap)
    {
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    public static SKBitmap Resize(SKBitmap source, int width, int height) =>
        source.Resize(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));

    /// <summary>The bitmap turned 90 degrees counter-clockwise, as a phone sensor stores a portrait shot.</summary>
    public static SKBitmap RotateCounterClockwise(SKBitmap source)
    {
        var rotated = new SKBitmap(new SKImageInfo(source.Height, source.Width, SKColorType.Rgba8888, SKAlphaType.Premul));
        using var canvas = new SKCanvas(rotated);
        canvas.Translate(0, source.Width);
        canvas.RotateDegrees(-90);
        canvas.DrawBitmap(source, 0, 0, SKSamplingOptions.Default, null);
        return rotated;
    }

    /// <summary>Inserts an EXIF block with only the orientation tag right after the JPEG's start marker.</summary>
    public static byte[] WithExifOrientation(byte[] jpeg, ushort orientation)
    {
        byte[] tiff =
        [
            (byte)'I', (byte)'I', 42, 0, 8, 0, 0, 0, // little-endian TIFF header, first IFD at 8
            1, 0,                                    // one entry
            0x12, 0x01, 3, 0, 1, 0, 0, 0,            // tag 0x0112 (Orientation), SHORT, count 1
            (byte)orientation, 0, 0, 0,              // value
            0, 0, 0, 0,                              // no next IFD
        ];
        byte[] exif = [.. "Exif\0\0"u8.ToArray(), .. tiff];
        int length = exif.Length + 2;
        byte[] segment = [0xFF, 0xE1, (byte)(length >> 8), (byte)length, .. exif];
        return [.. jpeg[..2], .. segment, .. jpeg[2..]];
    }

    /// <summary>Inserts an EXIF block with only a capture time (DateTimeOriginal, as cameras write it: local, no zone) right after the JPEG's start marker.</summary>
    public static byte[] WithCaptureTime(byte[] jpeg, DateTime takenAt)
    {
        var text = System.Text.Encoding.ASCII.GetBytes(takenAt.ToString("yyyy:MM:dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture) + "\0");
        byte[] tiff =
        [
            (byte)'I', (byte)'I', 42, 0, 8, 0, 0, 0, // little-endian TIFF header, first IFD at 8
            1, 0,                                    // IFD0: one entry
            0x69, 0x87, 4, 0, 1, 0, 0, 0, 26, 0, 0, 0, // tag 0x8769 (Exif IFD), LONG, count 1, at 26
            0, 0, 0, 0,                              // no next IFD
            1, 0,                                    // Exif IFD at 26: one entry
            0x03, 0x90, 2, 0, (byte)text.Length, 0, 0, 0, 44, 0, 0, 0, // tag 0x9003 (DateTimeOriginal), ASCII, 20 bytes at 44
            0, 0, 0, 0,                              // no next IFD
            .. text,
        ];
        byte[] exif = [.. "Exif\0\0"u8.ToArray(), .. tiff];
        int length = exif.Length + 2;
        byte[] segment = [0xFF, 0xE1, (byte)(length >> 8), (byte)length, .. exif];
        return [.. jpeg[..2], .. segment, .. jpeg[2..]];
    }

    /// <summary>A valid PNG header that claims width x height pixels, followed by a scrap of data.</summary>
    public static byte[] PngClaiming(int width, int height)
    {
        var ihdr = new byte[13];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; ihdr[9] = 2; // 8-bit RGB
        byte[] chunkTypeAndData = [.. "IHDR"u8.ToArray(), .. ihdr];
        var crc = Crc32(chunkTypeAndData);
        var stream = new MemoryStream();
        stream.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        stream.Write([0, 0, 0, 13]);
        stream.Write(chunkTypeAndData);
        var crcBytes = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(crcBytes, crc);
        stream.Write(crcBytes);
        stream.Write([0, 0, 0, 4, (byte)'I', (byte)'D', (byte)'A', (byte)'T', 0x78, 0x9C, 0x03, 0x00, 0, 0, 0, 0]);
        return stream.ToArray();
    }

    /// <summary>
    /// A BMP of about 1 KB that declares width x height pixels: 8-bit run-length encoded (BI_RLE8),
    /// a few hundred runs of one colour, then end-of-bitmap; the rest is "skipped", so transparent.
    /// </summary>
    public static byte[] RleBmpClaiming(int width, int height)
    {
        var runs = new MemoryStream();
        for (int i = 0; i < 400; i++) runs.Write([255, 1]); // 255 pixels of palette colour 1
        runs.Write([0, 1]);                                  // end of bitmap
        const int paletteColours = 2, headerBytes = 14 + 40 + paletteColours * 4;
        var bmp = new MemoryStream();
        var w = new BinaryWriter(bmp);
        w.Write("BM"u8); w.Write(headerBytes + (int)runs.Length); w.Write(0); w.Write(headerBytes);  // file header
        w.Write(40); w.Write(width); w.Write(height); w.Write((short)1); w.Write((short)8);            // BITMAPINFOHEADER
        w.Write(1 /* BI_RLE8 */); w.Write((int)runs.Length); w.Write(2835); w.Write(2835); w.Write(paletteColours); w.Write(0);
        w.Write(0x00000000); w.Write(0x00C08040);                                                      // palette (BGRx)
        w.Write(runs.ToArray());
        return bmp.ToArray();
    }

    /// <summary>A valid PNG of width x height black pixels, 1-bit grey: zlib squeezes 10000x10000 into about 12 KB.</summary>
    public static byte[] BlackPng(int width, int height)
    {
        var pixels = new MemoryStream();
        using (var zlib = new System.IO.Compression.ZLibStream(pixels, System.IO.Compression.CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var row = new byte[1 + (width + 7) / 8]; // filter type 0, then the row's bits
            for (int y = 0; y < height; y++) zlib.Write(row);
        }
        var header = new byte[13];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header, width);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 1; header[9] = 0; // 1-bit greyscale
        var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        WriteChunk(png, "IHDR", header);
        WriteChunk(png, "IDAT", pixels.ToArray());
        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    /// <summary>Writes a PNG chunk: its length, type, data and CRC.</summary>
    public static void WriteChunk(Stream png, string type, byte[] data)
    {
        var buffer = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(buffer, data.Length);
        png.Write(buffer);
        byte[] typeAndData = [.. System.Text.Encoding.ASCII.GetBytes(type), .. data];
        png.Write(typeAndData);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(buffer, Crc32(typeAndData));
        png.Write(buffer);
    }

    static uint Crc32(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (var b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        return ~crc;
    }
}
