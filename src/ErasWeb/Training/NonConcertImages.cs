using SkiaSharp;

namespace ErasWeb.Training;

/// <summary>
/// Pictures that are certainly not Eras Tour stage photos (flat colours, gradients, noise,
/// patterns, shapes, night crowds, a stadium with nobody on stage), made from a seed so every run sees the same ones. An honest model answers
/// "uncertain" for them; the share it answers confidently is its false-confidence rate.
/// </summary>
public static class NonConcertImages
{
    public const int Width = 512, Height = 384;

    public static IEnumerable<(string Name, SKBitmap Image)> Generate(int seed = 1)
    {
        var random = new Random(seed);
        SKColor RandomColor() => new((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256));
        SKColor[] flat = [SKColors.White, SKColors.Black, SKColors.Gray, SKColors.Red, SKColors.Green, SKColors.Blue, SKColors.Yellow, SKColors.Purple];
        foreach (var color in flat) yield return ($"flat-{color}", Draw(c => c.Clear(color)));
        for (int i = 0; i < 6; i++)
        {
            var (a, b) = (RandomColor(), RandomColor());
            yield return ($"gradient-{i}", Draw(c => Fill(c, SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(Width, Height * (i % 2)), [a, b], SKShaderTileMode.Clamp))));
        }
        for (int i = 0; i < 4; i++)
        {
            var (a, b) = (RandomColor(), RandomColor());
            yield return ($"radial-{i}", Draw(c => Fill(c, SKShader.CreateRadialGradient(new SKPoint(Width / 2f, Height / 2f), Width / 2f, [a, b], SKShaderTileMode.Clamp))));
        }
        for (int i = 0; i < 4; i++) yield return ($"noise-{i}", Noise(random, blur: 0));
        for (int i = 0; i < 4; i++) yield return ($"blurred-noise-{i}", Noise(random, blur: 4 + 4 * i));
        for (int i = 0; i < 4; i++)
        {
            int cell = 16 << i;
            var (a, b) = (RandomColor(), RandomColor());
            yield return ($"checkerboard-{cell}", Draw(c =>
            {
                c.Clear(a);
                using var paint = new SKPaint { Color = b };
                for (int y = 0; y < Height; y += cell)
                    for (int x = (y / cell % 2) * cell; x < Width; x += 2 * cell) c.DrawRect(x, y, cell, cell, paint);
            }));
        }
        for (int i = 0; i < 4; i++)
        {
            int width = 6 << i;
            var (a, b) = (RandomColor(), RandomColor());
            yield return ($"stripes-{width}", Draw(c =>
            {
                c.Clear(a);
                using var paint = new SKPaint { Color = b };
                for (int x = 0; x < Width; x += 2 * width) c.DrawRect(x, 0, width, Height, paint);
            }));
        }
        for (int i = 0; i < 6; i++)
        {
            var shapes = Enumerable.Range(0, 3 + i).Select(_ => (RandomColor(), random.Next(Width), random.Next(Height), 20 + random.Next(120), random.Next(2) == 0)).ToList();
            yield return ($"shapes-{i}", Draw(c =>
            {
                c.Clear(SKColors.White);
                foreach (var (color, x, y, size, circle) in shapes)
                {
                    using var paint = new SKPaint { Color = color, IsAntialias = true };
                    if (circle) c.DrawCircle(x, y, size / 2f, paint); else c.DrawRect(x, y, size, size * 0.7f, paint);
                }
            }));
        }
        // A night crowd or an empty stage: the backdrops the training scenes put cut-outs on, with nobody on them.
        for (int i = 0; i < 6; i++)
        {
            int backdrop = random.Next();
            yield return ($"crowd-lights-{i}", Draw(c => CutoutScenes.DrawBackdrop(c, Width, Height, new Random(backdrop))));
        }
        // The stands with nothing on stage, and with a bright screen showing no performer: what the zoomed view must not be sure of.
        for (int i = 0; i < 4; i++) yield return ($"empty-stadium-{i}", StadiumScenes.Frame(null, 0, random.Next()));
        for (int i = 0; i < 4; i++)
        {
            var (a, b) = (RandomColor(), RandomColor());
            using var screen = Draw(c => Fill(c, SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(Width, Height), [a, b], SKShaderTileMode.Clamp)));
            yield return ($"stadium-screen-{i}", StadiumScenes.Frame(screen, 1 / 3f + i / 12f, random.Next()));
        }
    }

    static SKBitmap Draw(Action<SKCanvas> paint)
    {
        var bitmap = new SKBitmap(new SKImageInfo(Width, Height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using var canvas = new SKCanvas(bitmap);
        paint(canvas);
        return bitmap;
    }

    static void Fill(SKCanvas canvas, SKShader shader)
    {
        using var paint = new SKPaint { Shader = shader };
        canvas.DrawRect(0, 0, Width, Height, paint);
        shader.Dispose();
    }

    static SKBitmap Noise(Random random, float blur)
    {
        var noise = new SKBitmap(new SKImageInfo(Width, Height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var pixels = noise.GetPixelSpan();
        random.NextBytes(pixels);
        for (int i = 3; i < pixels.Length; i += 4) pixels[i] = 255;
        noise.NotifyPixelsChanged();
        if (blur == 0) return noise;
        using (noise)
            return Draw(c =>
            {
                using var paint = new SKPaint { ImageFilter = SKImageFilter.CreateBlur(blur, blur) };
                using var image = SKImage.FromBitmap(noise);
                c.DrawImage(image, 0, 0, SKSamplingOptions.Default, paint);
            });
    }
}
