using ErasWeb.Media;
using SkiaSharp;

namespace ErasWeb.Training;

/// <summary>
/// A fan's picture from the stands, generated: a 1920x1080 night-stadium frame (a dark sky and
/// 900 coloured wristband lights over the crowd in its lower half) with a stage photo placed
/// off-centre at a given share of the frame's height, or with nothing on stage. The same photo,
/// share and seed always give the same frame, so training and evaluation are repeatable.
/// </summary>
public static class StadiumScenes
{
    public const int Width = 1920, Height = 1080;
    const int Wristbands = 900;

    /// <summary>
    /// Stage heights (shares of the frame's height) the head trains on; evaluation scores 1/2 and 1/3.
    /// A wide photo at the larger shares covers more of the frame than the stage finder's limit, so
    /// such frames give no zoomed view and are left out of training.
    /// </summary>
    public static readonly float[] TrainingShares = [0.6f, 0.45f, 0.35f, 0.28f];

    public static SKBitmap Frame(SKBitmap? stage, float heightShare, int seed) => Frame(stage, heightShare, seed, out _);

    /// <param name="placed">Where the stage photo was drawn (empty without one).</param>
    public static SKBitmap Frame(SKBitmap? stage, float heightShare, int seed, out SKRect placed)
    {
        placed = SKRect.Empty;
        var random = new Random(seed & int.MaxValue);
        var frame = new SKBitmap(new SKImageInfo(Width, Height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using var canvas = new SKCanvas(frame);
        SKColor Dark(int max) => new((byte)random.Next(max), (byte)random.Next(max), (byte)random.Next(max + 25));
        using (var sky = new SKPaint { Shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(0, Height), [Dark(30), Dark(15)], SKShaderTileMode.Clamp) })
            canvas.DrawRect(0, 0, Width, Height, sky);

        if (stage is not null)
        {
            // The stage stands off-centre, left or right, around the middle of the frame's height.
            float h = heightShare * Height, w = Math.Min(h * stage.Width / stage.Height, 0.9f * Width);
            h = w * stage.Height / stage.Width;
            float offset = (0.1f + 0.2f * random.NextSingle()) * (random.Next(2) == 0 ? -1 : 1);
            float x = Math.Clamp(Width * (0.5f + offset) - w / 2, 0, Width - w);
            float y = Math.Clamp(Height * (0.38f + 0.12f * random.NextSingle()) - h / 2, 0, Height - h);
            using var image = SKImage.FromBitmap(stage);
            placed = new SKRect(x, y, x + w, y + h);
            canvas.DrawImage(image, placed, new SKSamplingOptions(SKCubicResampler.Mitchell));
        }

        // Wristbands and phone lights in the crowd, in front of everything in the lower half.
        SKColor[] colours = [new(255, 80, 200), new(120, 90, 255), new(80, 200, 255), new(255, 255, 230), new(120, 255, 160), new(255, 150, 60)];
        using var light = new SKPaint { IsAntialias = true };
        for (int i = 0; i < Wristbands; i++)
        {
            var c = colours[random.Next(colours.Length)];
            light.Color = c.WithAlpha((byte)random.Next(140, 256));
            canvas.DrawCircle(random.NextSingle() * Width, Height * (0.5f + 0.5f * random.NextSingle()), 1.5f + 4 * random.NextSingle(), light);
        }
        return frame;
    }

    /// <summary>The frame as the app would see it uploaded: a JPEG, decoded at the reduced scale the model asks for.</summary>
    public static DecodedImage AsUploaded(SKBitmap frame, PixelLimits limits)
    {
        var jpeg = ImageEncoder.Jpeg(frame, 90);
        return ImageDecoder.Decode(jpeg, FileSniffer.Sniff(jpeg), limits, Classification.ModelInput.ResizeShortSide);
    }
}
