using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ErasWeb.Classification;
using ErasWeb.Media;
using ErasWeb.Tests.Support;
using SkiaSharp;
using Xunit.Abstractions;

namespace ErasWeb.Tests.Media;

/// <summary>Run alone, so that the memory they measure is their own.</summary>
[CollectionDefinition(nameof(HostileImageTests), DisableParallelization = true)]
public sealed class HostileImageCollection;

/// <summary>Tiny files that declare huge pictures cost no more than a normal photo.</summary>
[Collection(nameof(HostileImageTests))]
public class HostileImageTests(AppFixture app, ITestOutputHelper output) : IClassFixture<AppFixture>
{
    /// <summary>A request may use this much memory above what the process held before it, with slack for the runtime.</summary>
    const long MaxRequestMemory = 150L * 1024 * 1024;

    static DecodedImage Decode(byte[] bytes) =>
        ImageDecoder.Decode(bytes, FileSniffer.SniffImage(bytes), new PixelLimits(100_000_000, 24_000_000), ModelInput.ResizeShortSide);

    [Theory]
    [InlineData("bomb.bmp")]
    [InlineData("bomb.png")]
    public async Task A_tiny_file_declaring_10000x10000_pixels_is_refused_at_once_without_the_memory_to_decode_it(string name)
    {
        var bytes = name.EndsWith(".bmp") ? Images.RleBmpClaiming(10_000, 10_000) : Images.BlackPng(10_000, 10_000);
        Assert.True(bytes.Length < 16 * 1024, $"{name} is {bytes.Length} bytes");

        // Three times: the peak memory over all of them; the timings are for the report (speed is the bench's to measure).
        var timings = new List<double>();
        long peak = 0;
        for (int attempt = 0; attempt < 3; attempt++)
        {
            var (response, seconds, memory) = await MeasureAsync(() => app.UploadAsync(bytes, name));
            timings.Add(seconds);
            peak = Math.Max(peak, memory);
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var detail = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString();
            Assert.Contains("10000x10000", detail);
            Assert.Contains("24 MP", detail);
        }
        output.WriteLine($"{name} ({bytes.Length} bytes): {string.Join(", ", timings.Select(t => $"{t * 1000:0} ms"))}; peak memory +{peak / 1e6:0.#} MB");
        Assert.True(peak < MaxRequestMemory, $"the process's peak memory rose {peak / 1e6:0} MB");
        Assert.Equal(HttpStatusCode.OK, (await app.Client.GetAsync("/ping")).StatusCode);
    }

    [Fact]
    public async Task A_png_at_the_full_decode_limit_is_answered_within_the_memory_of_a_normal_photo()
    {
        var png = Images.BlackPng(6000, 4000); // 24 MP: decoded whole, then shrunk once
        var (response, seconds, memory) = await MeasureAsync(() => app.UploadAsync(png, "limit.png"));
        output.WriteLine($"6000x4000 PNG ({png.Length} bytes): {seconds * 1000:0} ms; peak memory +{memory / 1e6:0.#} MB");
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(6000, json.GetProperty("width").GetInt32());
        Assert.True(memory < MaxRequestMemory, $"the process's peak memory rose {memory / 1e6:0} MB");
    }

    [Fact]
    public async Task A_normal_6000x4000_photo_is_still_answered()
    {
        var bytes = File.ReadAllBytes(TestData.Photo("Acoustic/etl-28.jpeg"));
        var (response, seconds, memory) = await MeasureAsync(() => app.UploadAsync(bytes, "stage.jpeg"));
        output.WriteLine($"6000x4000 JPEG ({bytes.Length} bytes): {seconds * 1000:0} ms; peak memory +{memory / 1e6:0.#} MB");
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        Assert.Equal(6000, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("width").GetInt32());
    }

    [Fact]
    public void Progressive_jpegs_and_other_formats_decoded_whole_have_the_lower_limit_and_baseline_jpegs_and_webps_the_higher()
    {
        using var gray = new SKBitmap(new SKImageInfo(5000, 5000, SKColorType.Rgba8888, SKAlphaType.Opaque));
        gray.Erase(SKColors.Gray);
        var baseline = TurboJpeg.Encode(gray, 50);
        using (var decoded = Decode(baseline)) Assert.Equal(5000, decoded.Width);

        // The same picture as a progressive JPEG: only the start-of-frame marker differs for the check.
        int frame = baseline.AsSpan().IndexOf([(byte)0xFF, (byte)0xC0]);
        var progressive = (byte[])baseline.Clone();
        progressive[frame + 1] = 0xC2;
        var error = Assert.Throws<MediaRejectedException>(() => Decode(progressive));
        Assert.Equal(MediaRejection.TooManyPixels, error.Reason);
        Assert.Contains("progressive JPEG image is 5000x5000", error.Message);

        var gif = Assert.Throws<MediaRejectedException>(() => Decode(GifClaiming(5000, 5000)));
        Assert.Contains("GIF image is 5000x5000", gif.Message);

        // libwebp shrinks while decoding: memory stays small, whatever the size.
        using var webp = gray.Encode(SKEncodedImageFormat.Webp, 100);
        using (var decoded = Decode(webp.ToArray())) Assert.True(decoded.Upright.Width < 2000);
    }

    [Fact]
    public void A_large_transparent_picture_decoded_whole_is_flattened_onto_white_and_shrunk()
    {
        using var source = new SKBitmap(new SKImageInfo(4000, 2500, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        source.Erase(new SKColor(200, 0, 0, 128)); // half-transparent red
        var png = Images.Png(source);
        using var decoded = Decode(png);
        Assert.Equal((4000, 2500), (decoded.Width, decoded.Height));
        Assert.True(decoded.Upright.Width < 2000, $"shrunk to {decoded.Upright.Width} wide");
        var pixel = decoded.Upright.GetPixel(decoded.Upright.Width / 2, decoded.Upright.Height / 2);
        // 200 * 128/255 + 255 * (1 - 128/255) = 227; 0 + 127 = 127
        Assert.InRange(pixel.Red, 225, 229);
        Assert.InRange(pixel.Green, 125, 129);
        Assert.Equal(pixel.Green, pixel.Blue);
    }

    /// <summary>A GIF header, logical screen and first image descriptor declaring the size, and a scrap of data.</summary>
    static byte[] GifClaiming(ushort width, ushort height)
    {
        var stream = new MemoryStream();
        var w = new BinaryWriter(stream);
        w.Write("GIF89a"u8); w.Write(width); w.Write(height); w.Write((byte)0x80); w.Write((byte)0); w.Write((byte)0); // global table of 2 colours
        w.Write([0, 0, 0, 255, 255, 255]);
        w.Write((byte)0x2C); w.Write((ushort)0); w.Write((ushort)0); w.Write(width); w.Write(height); w.Write((byte)0); // image descriptor
        w.Write([2, 2, 0x4C, 0x01, 0, 0x3B]); // LZW minimum code size, one tiny block, trailer
        return stream.ToArray();
    }

    /// <summary>The answer, its wall time, and how far the process's peak resident memory rose above where it was (Linux: VmHWM, reset first).</summary>
    async Task<(HttpResponseMessage Response, double Seconds, long PeakRise)> MeasureAsync(Func<Task<HttpResponseMessage>> request)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        File.WriteAllText("/proc/self/clear_refs", "5"); // resets the peak to the current size
        long before = StatusKilobytes("VmRSS") * 1024;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        var response = await request();
        await response.Content.LoadIntoBufferAsync();
        var seconds = watch.Elapsed.TotalSeconds;
        // For the report only: the app's background work shares the process.
        output.WriteLine($"{(int)response.StatusCode} in {seconds * 1000:0} ms, process CPU {(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds:0} ms");
        return (response, seconds, StatusKilobytes("VmHWM") * 1024 - before);
    }

    static long StatusKilobytes(string field) =>
        long.Parse(File.ReadLines("/proc/self/status").First(l => l.StartsWith(field + ":"))[(field.Length + 1)..].Trim().Split(' ')[0]);
}
