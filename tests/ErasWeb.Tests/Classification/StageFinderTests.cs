using ErasWeb.Classification;
using ErasWeb.Media;
using ErasWeb.Tests.Support;
using ErasWeb.Training;
using SkiaSharp;

namespace ErasWeb.Tests.Classification;

public class StageFinderTests
{
    static readonly PixelLimits Limits = new(100_000_000, 40_000_000);

    [Theory]
    [InlineData("Speak Now/etl-13.jpeg", 0.5f)]
    [InlineData("Lover/etl-6.webp", 1 / 3f)]
    [InlineData("Speak Now/etl-15.jpeg", 0.25f)]
    public void Finds_a_stage_photo_placed_small_in_a_night_stadium_as_uploaded(string photo, float share)
    {
        using var stage = Images.Load(TestData.Photo(photo));
        using var frame = StadiumScenes.Frame(stage, share, seed: 11, out var placed);
        using var uploaded = StadiumScenes.AsUploaded(frame, Limits);
        float scale = (float)uploaded.Upright.Width / frame.Width;
        var expected = new SKRect(placed.Left * scale, placed.Top * scale, placed.Right * scale, placed.Bottom * scale);

        var found = StageFinder.Find(uploaded.Upright);

        Assert.NotNull(found);
        Assert.True(Overlap(found.Value, expected) > 0.5f, $"found {found}, the stage is at {expected}");
    }

    [Fact]
    public void Finds_nothing_in_an_empty_stadium_or_a_close_up()
    {
        for (int seed = 0; seed < 5; seed++)
        {
            using var empty = StadiumScenes.Frame(null, 0, seed);
            Assert.Null(StageFinder.Find(empty));
        }
        // A photo that is all stage: the whole view sees it already.
        using var closeUp = Images.Load(TestData.Photo("Acoustic/sis-pink-hi.jpg"));
        Assert.Null(StageFinder.Find(closeUp));
    }

    /// <summary>Intersection over union.</summary>
    static float Overlap(SKRect a, SKRect b)
    {
        var i = SKRect.Intersect(a, b);
        float inter = i.IsEmpty ? 0 : i.Width * i.Height;
        return inter / (a.Width * a.Height + b.Width * b.Height - inter);
    }
}
