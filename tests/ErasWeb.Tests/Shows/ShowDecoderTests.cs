using ErasWeb.Data;
using ErasWeb.Shows;

namespace ErasWeb.Tests.Shows;

/// <summary>The decoder on frames whose probabilities are written by hand: what each rule of the show does to a reading.</summary>
public class ShowDecoderTests
{
    static readonly string[] Labels = ["1989", "Acoustic", "Fearless", "Folkmore", "Lover", "Midnights", "Red", "Reputation", "Speak Now", "TTPD"];
    const double Step = 10;

    /// <summary>A frame the model reads as <paramref name="era"/> with <paramref name="confidence"/>, the rest spread evenly; null is a frame unlike any stage photo.</summary>
    static ShowFrame Frame(int index, string? era, float confidence = 0.8f)
    {
        var p = new float[Labels.Length];
        if (era is null) Array.Fill(p, 1f / Labels.Length);
        else
        {
            Array.Fill(p, (1 - confidence) / (Labels.Length - 1));
            p[Array.IndexOf(Labels, era)] = confidence;
        }
        return new ShowFrame(TimeSpan.FromSeconds((index + 0.5) * Step), p, Unfamiliar: era is null);
    }

    /// <summary>Frames for stretches of (era or null, frames).</summary>
    static List<ShowFrame> Show(params (string? Era, int Frames)[] stretches)
    {
        var frames = new List<ShowFrame>();
        foreach (var (era, count) in stretches)
            for (int i = 0; i < count; i++) frames.Add(Frame(frames.Count, era));
        return frames;
    }

    static DecodedShow Decode(List<ShowFrame> frames) => ShowDecoder.Decode(Labels, frames, TimeSpan.FromSeconds(frames.Count * Step));

    [Fact]
    public void A_2024_show_is_read_in_the_2024_order_with_its_sets_and_the_pauses_between_them()
    {
        var show = Decode(Show((null, 3), ("Lover", 6), ("Fearless", 4), (null, 2), ("Red", 5), ("Speak Now", 3), ("Reputation", 5),
            ("Folkmore", 8), ("1989", 5), ("TTPD", 9), ("Acoustic", 3), ("Midnights", 6)));

        Assert.Equal("2024", show.Tour);
        Assert.True(show.LogLikelihood2024 > show.LogLikelihood2023);
        Assert.Equal(Tours.Of2024.Sets.Select(s => s.Era), show.Sets.Select(s => s.Era));
        Assert.All(show.Sets, s => Assert.Null(s.Set));
        Assert.Equal((30, 90), (show.Sets[0].Start, show.Sets[0].End)); // after the countdown, boundaries halfway between frames
        Assert.Equal((90, 130), (show.Sets[1].Start, show.Sets[1].End));
        Assert.Equal(150, show.Sets[2].Start); // the pause is between sets, in no set
        Assert.Equal(590, show.Sets[^1].End);
    }

    [Fact]
    public void A_2023_show_names_its_two_Folkmore_sets_evermore_then_folklore()
    {
        var show = Decode(Show(("Lover", 5), ("Fearless", 4), ("Folkmore", 5), ("Reputation", 5), ("Speak Now", 4), ("Red", 5),
            ("Folkmore", 5), ("1989", 5), ("Acoustic", 3), ("Midnights", 5)));

        Assert.Equal("2023", show.Tour);
        Assert.True(show.LogLikelihood2023 > show.LogLikelihood2024);
        Assert.Equal(Tours.Of2023.Sets, show.Sets.Select(s => new SetSlot(s.Era, s.Set)));
        Assert.Equal(("evermore", "folklore"), (show.Sets[2].Set, show.Sets[6].Set));
    }

    [Fact]
    public void A_recording_that_starts_late_ends_early_and_skips_sets_gets_only_the_sets_it_shows()
    {
        var show = Decode(Show(("Red", 4), ("Speak Now", 3), ("1989", 4), (null, 3), ("TTPD", 5)));

        Assert.Equal("2024", show.Tour);
        Assert.Equal(["Red", "Speak Now", "1989", "TTPD"], show.Sets.Select(s => s.Era));
        Assert.Equal(0, show.Sets[0].Start);
        Assert.Equal((70, 110), (show.Sets[2].Start, show.Sets[2].End));
        Assert.Equal(140, show.Sets[3].Start);
    }

    [Fact]
    public void Frames_the_model_gets_wrong_inside_a_set_do_not_break_it_as_they_break_the_frame_by_frame_reading()
    {
        // Two Midnights-looking frames in the middle of Red: going to Midnights would end the show there.
        var frames = Show(("Lover", 5), ("Fearless", 5), ("Red", 4), ("Midnights", 2), ("Red", 4), ("Speak Now", 5));

        var show = Decode(frames);

        Assert.Equal(["Lover", "Fearless", "Red", "Speak Now"], show.Sets.Select(s => s.Era));
        Assert.Equal((100, 200), (show.Sets[2].Start, show.Sets[2].End));
    }

    [Fact]
    public void Sets_both_orders_play_alike_name_no_tour()
    {
        var show = Decode(Show(("Lover", 6), ("Fearless", 6)));

        Assert.Null(show.Tour);
        Assert.Equal(["Lover", "Fearless"], show.Sets.Select(s => s.Era));
        Assert.Equal(show.LogLikelihood2023, show.LogLikelihood2024, 3);
    }

    [Fact]
    public void Only_a_model_that_knows_every_era_the_tours_play_is_read_as_a_show() =>
        Assert.Equal((true, false), (ShowDecoder.CanDecode(Labels), ShowDecoder.CanDecode(Labels.Where(l => l != "TTPD").ToList())));

    [Fact]
    public void A_set_with_no_frames_of_its_own_is_skipped_rather_than_invented()
    {
        var show = Decode(Show(("Lover", 6), ("Fearless", 6), ("Speak Now", 6)));

        Assert.Equal(["Lover", "Fearless", "Speak Now"], show.Sets.Select(s => s.Era));
    }

    [Fact]
    public void A_full_length_show_of_1300_frames_decodes_into_its_ten_sets_at_their_boundaries()
    {
        var frames = Show(("Lover", 130), ("Fearless", 130), ("Red", 130), ("Speak Now", 130), ("Reputation", 130),
            ("Folkmore", 130), ("1989", 130), ("TTPD", 130), ("Acoustic", 130), ("Midnights", 130));

        var show = Decode(frames);

        Assert.Equal(Tours.Of2024.Sets.Select(s => s.Era), show.Sets.Select(s => s.Era));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => i * 1300.0), show.Sets.Select(s => s.Start));
    }
}
