using System.IO.Compression;
using ErasWeb.Nights;
using ErasWeb.Tests.Support;

namespace ErasWeb.Tests.Nights;

/// <summary>Capture times read from photos anyone can craft.</summary>
public class CaptureTimeTests
{
    static byte[] Jpeg => Images.Jpeg(Images.Resize(Images.Load(TestData.Photo("Lover/etl-3.jpeg")), 64, 48));

    [Fact]
    public void A_phones_capture_time_is_read_as_the_camera_wrote_it()
    {
        var taken = CaptureTime.Of(Images.WithCaptureTime(Jpeg, new DateTime(2024, 5, 9, 21, 15, 30)));
        Assert.Equal(new DateTime(2024, 5, 9, 21, 15, 30), taken);
        Assert.Equal(DateTimeKind.Unspecified, taken!.Value.Kind);
        Assert.Null(CaptureTime.Of(Jpeg));
    }

    [Fact]
    public void A_cameras_unset_clock_is_no_capture_time()
    {
        Assert.Null(CaptureTime.Of(Images.WithCaptureTime(Jpeg, new DateTime(1, 1, 1, 3, 0, 0))));
        Assert.Null(CaptureTime.Of(Images.WithCaptureTime(Jpeg, new DateTime(9999, 12, 31, 23, 0, 0))));
    }

    [Fact]
    public void A_png_whose_text_chunk_inflates_to_hundreds_of_megabytes_costs_nothing_to_look_at()
    {
        var bomb = PngWithCompressedText(256 * 1024 * 1024);
        Assert.True(bomb.Length < 1024 * 1024, $"the bomb is {bomb.Length} bytes");
        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Null(CaptureTime.Of(bomb));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 8 * 1024 * 1024, $"{allocated / 1e6:0.#} MB allocated reading it");
    }

    /// <summary>An 8x8 PNG with a zTXt chunk of <paramref name="inflatedBytes"/> zeros, deflated.</summary>
    static byte[] PngWithCompressedText(int inflatedBytes)
    {
        using var deflated = new MemoryStream();
        using (var zlib = new ZLibStream(deflated, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var zeros = new byte[1024 * 1024];
            for (int written = 0; written < inflatedBytes; written += zeros.Length) zlib.Write(zeros);
        }
        var png = new MemoryStream(Images.Png(Images.Resize(Images.Load(TestData.Photo("Lover/etl-3.jpeg")), 8, 8)));
        var header = new byte[33]; // the signature and IHDR
        png.ReadExactly(header);
        var output = new MemoryStream();
        output.Write(header);
        Images.WriteChunk(output, "zTXt", [.. "Comment"u8.ToArray(), 0, 0, .. deflated.ToArray()]);
        png.CopyTo(output);
        return output.ToArray();
    }
}
