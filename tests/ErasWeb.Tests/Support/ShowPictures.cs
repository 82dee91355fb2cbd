using SkiaSharp;

namespace ErasWeb.Tests.Support;

/// <summary>
/// The pictures generated shows are made of: for each era the shared stage photo the model reads as that
/// era most surely (so a test is about the decoder, not about the model's known misses), and pictures
/// that are no set at all.
/// </summary>
public static class ShowPictures
{
    /// <summary>How the model reads each shared stage photo as a 320x180 recording shows it (letterboxed), as frames are read.</summary>
    static readonly Lazy<IReadOnlyList<(string Path, string Era, string Predicted, float Confidence, bool Unfamiliar)>> Read = new(() =>
    {
        // Stage photos, as a recording shows the stage (cut-outs and covers on black look like no stage photo in a video frame).
        var rows = File.ReadAllLines(TestData.Photo("MANIFEST.tsv")).Skip(1).Select(l => l.Split('\t')).Where(r => r[2] == "stage_photo").ToList();
        var classifier = TestData.Classifier.Value;
        return rows.Select(r =>
        {
            using var photo = Images.Load(TestData.Photo(r[0]));
            using var frame = Letterboxed(photo, 320, 180);
            var p = classifier.Classify([frame])[0];
            return (TestData.Photo(r[0]), r[1], p.Era, p.Confidence, p.Unfamiliar);
        }).ToList();
    });

    static SKBitmap Letterboxed(SKBitmap photo, int width, int height)
    {
        var frame = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using var canvas = new SKCanvas(frame);
        canvas.Clear(SKColors.Black);
        float scale = Math.Min((float)width / photo.Width, (float)height / photo.Height);
        float w = photo.Width * scale, h = photo.Height * scale;
        using var image = SKImage.FromBitmap(photo);
        canvas.DrawImage(image, SKRect.Create((width - w) / 2, (height - h) / 2, w, h), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
        return frame;
    }

    public static string Best(string era) => Read.Value.Where(p => p.Era == era && p.Predicted == era && !p.Unfamiliar)
        .OrderByDescending(p => p.Confidence).Select(p => p.Path).FirstOrDefault() ?? throw new InvalidOperationException($"The model reads no shared {era} stage photo as {era}.");

    public static readonly string Black = Picture("black", (bitmap, _) => bitmap.Erase(SKColors.Black));
    public static readonly string Flat = Picture("flat", (bitmap, _) => bitmap.Erase(new SKColor(0x3a, 0x6e, 0xa5)));
    /// <summary>Coloured noise in blobs, as a crowd's lights look at a distance.</summary>
    public static readonly string Noise = Picture("noise", (bitmap, random) =>
    {
        for (int y = 0; y < bitmap.Height; y++)
            for (int x = 0; x < bitmap.Width; x++)
                bitmap.SetPixel(x, y, new SKColor((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256)));
    });

    static string Picture(string name, Action<SKBitmap, Random> paint)
    {
        var path = Path.Combine(TestData.NewTempDir("show-pictures"), $"{name}.png");
        using var bitmap = new SKBitmap(new SKImageInfo(320, 180, SKColorType.Rgba8888, SKAlphaType.Premul));
        paint(bitmap, new Random(7));
        File.WriteAllBytes(path, Images.Png(bitmap));
        return path;
    }
}
