using SkiaSharp;

namespace ErasWeb.Classification;

/// <summary>
/// One way of showing a photo to the model: a square region of the upright image, given as its
/// side (a fraction of the short side) and its centre (fractions of width and height, kept inside
/// the image), optionally mirrored left-right. Training looks at each photo through several views
/// so the head learns what survives a shifted crop or a mirror image; prediction may average a few.
/// </summary>
public sealed record View(string Name, float Scale, float CenterX = 0.5f, float CenterY = 0.5f, bool Mirror = false)
{
    /// <summary>The backbone's own preprocessing: short side to 256, centre 224.</summary>
    public static readonly View Center = new("center", (float)ModelInput.Size / ModelInput.ResizeShortSide);
    public static readonly View CenterMirrored = Center with { Name = "center-mirrored", Mirror = true };

    public SKRect Region(int width, int height)
    {
        float side = Math.Min(width, height) * Scale;
        float left = Math.Clamp(width * CenterX - side / 2, 0, width - side);
        float top = Math.Clamp(height * CenterY - side / 2, 0, height - side);
        return new SKRect(left, top, left + side, top + side);
    }
}
