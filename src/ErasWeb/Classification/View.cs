using SkiaSharp;

namespace ErasWeb.Classification;

/// <summary>
/// One way of showing a photo to the model. Either a square region of the upright image, given as
/// its side (a fraction of the short side) and its centre (fractions of width and height, kept
/// inside the image), or, when <paramref name="Stretch"/> is set, the whole image (inside any
/// uniform bars at its edges) stretched to the model's square input, so a performer at the edge of
/// a wide or tall photo is still seen. Optionally mirrored left-right.
/// </summary>
public sealed record View(string Name, float Scale, float CenterX = 0.5f, float CenterY = 0.5f, bool Mirror = false, bool Stretch = false)
{
    /// <summary>The backbone's own preprocessing: short side to 256, centre 224.</summary>
    public static readonly View Center = new("center", (float)ModelInput.Size / ModelInput.ResizeShortSide);
    public static readonly View CenterMirrored = Center with { Name = "center-mirrored", Mirror = true };
    /// <summary>The whole photo without letterbox bars, stretched to the square input.</summary>
    public static readonly View Whole = new("whole", 1, Stretch: true);

    /// <summary>The part of the image this view shows.</summary>
    public SKRect Region(SKBitmap image) => Stretch ? ContentBounds.Find(image) : Region(image.Width, image.Height);

    /// <summary>The square this view shows of an image of this size (a stretched view needs the pixels: see <see cref="Region(SKBitmap)"/>).</summary>
    public SKRect Region(int width, int height)
    {
        if (Stretch) throw new InvalidOperationException("A stretched view's region depends on the pixels: use Region(SKBitmap).");
        float side = Math.Min(width, height) * Scale;
        float left = Math.Clamp(width * CenterX - side / 2, 0, width - side);
        float top = Math.Clamp(height * CenterY - side / 2, 0, height - side);
        return new SKRect(left, top, left + side, top + side);
    }
}
