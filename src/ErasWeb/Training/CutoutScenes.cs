using SkiaSharp;

namespace ErasWeb.Training;

/// <summary>
/// Turns a stage cut-out (a real concert photo with its background removed) into pictures that look
/// like what fans upload: the performer on black, and on generated night-stage scenes (a dark
/// gradient, crowd lights, sometimes a lit floor) at a random size, place, framing and facing.
/// The scenes carry no era of their own, so the head learns the outfit rather than a backdrop.
/// The same cut-out and seed always give the same pictures, so training is repeatable.
/// </summary>
public static class CutoutScenes
{
    /// <summary>Frames of phone and camera photos: square, 4:3 and 3:2 either way, and a tall 9:16 phone screen.</summary>
    static readonly (int Width, int Height)[] Frames = [(1000, 1000), (1000, 750), (750, 1000), (1000, 667), (667, 1000), (720, 1280)];

    public static SKBitmap OnBlack(SKBitmap cutout)
    {
        var result = new SKBitmap(new SKImageInfo(cutout.Width, cutout.Height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using var canvas = new SKCanvas(result);
        canvas.Clear(SKColors.Black);
        canvas.DrawBitmap(cutout, 0, 0, SKSamplingOptions.Default, null);
        return result;
    }

    /// <summary>The <paramref name="index"/>-th generated stage scene with the cut-out in it (premultiplied RGBA in, opaque RGBA out).</summary>
    public static SKBitmap Scene(SKBitmap cutout, int seed, int index)
    {
        var random = new Random(unchecked(seed * 7919 + index) & int.MaxValue);
        var (width, height) = Frames[random.Next(Frames.Length)];
        var scene = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using var canvas = new SKCanvas(scene);
        DrawBackdrop(canvas, width, height, random);

        // The performer fills 35-95% of the frame's height, stands in its lower part and may face either way.
        float scale = Math.Min((0.35f + 0.6f * random.NextSingle()) * height / cutout.Height, 0.95f * width / cutout.Width);
        float w = cutout.Width * scale, h = cutout.Height * scale;
        float x = random.NextSingle() * (width - w), y = height - h - random.NextSingle() * (height - h) * 0.4f;
        if (random.Next(2) == 0)
        {
            canvas.Translate(x + w, y);
            canvas.Scale(-1, 1);
        }
        else canvas.Translate(x, y);
        using var image = SKImage.FromBitmap(cutout);
        canvas.DrawImage(image, new SKRect(0, 0, w, h), new SKSamplingOptions(SKCubicResampler.Mitchell));
        return scene;
    }

    /// <summary>A night stage backdrop: a dark gradient, and for two in three also crowd lights, for one in three a lit floor too.</summary>
    public static void DrawBackdrop(SKCanvas canvas, int width, int height, Random random)
    {
        SKColor Dark(int max) => new((byte)random.Next(max), (byte)random.Next(max), (byte)random.Next(max + 20));
        using (var gradient = new SKPaint { Shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(0, height), [Dark(40), Dark(30)], SKShaderTileMode.Clamp) })
            canvas.DrawRect(0, 0, width, height, gradient);
        int style = random.Next(3);
        if (style >= 1)
        {
            // Phone lights and flashes in the stands, mostly warm white, some coloured.
            int lights = random.Next(50, 400);
            using var paint = new SKPaint { IsAntialias = true };
            for (int i = 0; i < lights; i++)
            {
                paint.Color = random.Next(3) == 0
                    ? new SKColor((byte)random.Next(128, 256), (byte)random.Next(128, 256), (byte)random.Next(128, 256), (byte)random.Next(80, 256))
                    : new SKColor(255, 255, 230, (byte)random.Next(60, 256));
                canvas.DrawCircle(random.NextSingle() * width, random.NextSingle() * height * 0.8f, 0.5f + random.NextSingle() * width / 200f, paint);
            }
        }
        if (style == 2)
        {
            using var floor = new SKPaint { Color = new SKColor((byte)random.Next(20, 90), (byte)random.Next(20, 90), (byte)random.Next(20, 90)) };
            canvas.DrawRect(0, height * (0.8f + 0.15f * random.NextSingle()), width, height, floor);
        }
    }
}
