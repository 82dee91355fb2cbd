namespace ErasWeb.Videos;

/// <summary>A stretch of a video showing one era.</summary>
public sealed record Segment(string Era, TimeSpan Start, TimeSpan End);

/// <summary>Turns per-frame eras into the stretches of the show each era covers.</summary>
public static class Timeline
{
    /// <summary>
    /// <paramref name="frames"/> in time order. A single frame whose two neighbours agree with each
    /// other takes their era (a one-frame flicker is the model hesitating, not a costume change).
    /// Consecutive frames of one era make a segment; a boundary lies halfway between the last frame
    /// of one segment and the first of the next, the first segment starts at 0 and the last ends at
    /// <paramref name="duration"/>.
    /// </summary>
    public static IReadOnlyList<Segment> Build(IReadOnlyList<(TimeSpan Time, string Era)> frames, TimeSpan duration)
    {
        var eras = frames.Select(f => f.Era).ToArray();
        for (int i = 1; i < eras.Length - 1; i++)
            if (frames[i - 1].Era == frames[i + 1].Era && frames[i].Era != frames[i - 1].Era)
                eras[i] = frames[i - 1].Era;

        var segments = new List<Segment>();
        int start = 0;
        for (int i = 1; i <= eras.Length; i++)
        {
            if (i < eras.Length && eras[i] == eras[start]) continue;
            var from = start == 0 ? TimeSpan.Zero : (frames[start - 1].Time + frames[start].Time) / 2;
            var to = i == eras.Length ? Max(duration, frames[^1].Time) : (frames[i - 1].Time + frames[i].Time) / 2;
            segments.Add(new Segment(eras[start], from, to));
            start = i;
        }
        return segments;
    }

    static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
