using ErasWeb.Shows;

namespace ErasWeb.Tests.Shows;

/// <summary>A night's photos decoded with probabilities written by hand: what times, bursts, missing times and non-concert pictures do to the reading.</summary>
public class NightDecoderTests
{
    static readonly string[] Labels = ["1989", "Acoustic", "Fearless", "Folkmore", "Lover", "Midnights", "Red", "Reputation", "Speak Now", "TTPD"];
    static readonly DateTime ShowStart = new(2024, 6, 21, 19, 55, 0);

    /// <summary>A photo taken <paramref name="minutes"/> after the show began that the model reads as <paramref name="era"/> with <paramref name="confidence"/>, the rest spread evenly.</summary>
    static ShowPhoto Photo(double minutes, string era, float confidence = 0.8f, string? second = null, float secondConfidence = 0)
    {
        var p = new float[Labels.Length];
        int others = Labels.Length - (second is null ? 1 : 2);
        Array.Fill(p, (1 - confidence - secondConfidence) / others);
        p[Array.IndexOf(Labels, era)] = confidence;
        if (second is not null) p[Array.IndexOf(Labels, second)] = secondConfidence;
        return new ShowPhoto(ShowStart.AddMinutes(minutes), p, Unfamiliar: false);
    }

    /// <summary>Friends, food, the crowd: unlike any stage photo, no era standing out.</summary>
    static ShowPhoto NonConcert(double minutes)
    {
        var p = new float[Labels.Length];
        Array.Fill(p, 1f / Labels.Length);
        return new ShowPhoto(ShowStart.AddMinutes(minutes), p, Unfamiliar: true);
    }

    static List<ShowPhoto> WithoutTimes(IEnumerable<ShowPhoto> photos) => photos.Select(p => p with { TakenAt = null }).ToList();

    static List<string?> Eras(DecodedNight night) => night.SetOfPhoto.Select(s => s is int set ? night.Order.Sets[set].Era : null).ToList();

    static List<int?> Sets(Tour tour, params string[] eras) => eras.Select(e => (int?)tour.Sets.ToList().FindIndex(s => s.Era == e)).ToList();

    [Fact]
    public void A_2024_night_is_read_in_the_2024_order_with_its_sets()
    {
        var photos = new[] { Photo(5, "Lover"), Photo(12, "Lover"), Photo(45, "Red"), Photo(100, "Folkmore"), Photo(160, "TTPD"), Photo(170, "TTPD"), Photo(200, "Midnights") };

        var night = ShowDecoder.DecodeNight(Labels, photos);

        Assert.Equal("2024", night.Tour);
        Assert.Same(Tours.Of2024, night.Order);
        Assert.True(night.LogLikelihood2024 > night.LogLikelihood2023);
        Assert.Equal(Sets(Tours.Of2024, "Lover", "Lover", "Red", "Folkmore", "TTPD", "TTPD", "Midnights"), night.SetOfPhoto);
    }

    [Fact]
    public void A_2023_night_puts_an_early_Folkmore_photo_in_evermore_and_a_late_one_in_folklore()
    {
        var photos = new[] { Photo(5, "Lover"), Photo(40, "Folkmore"), Photo(60, "Reputation"), Photo(90, "Red"), Photo(130, "Folkmore"), Photo(165, "1989") };

        var night = ShowDecoder.DecodeNight(Labels, photos);

        Assert.Equal("2023", night.Tour);
        Assert.True(night.LogLikelihood2023 > night.LogLikelihood2024);
        Assert.Equal([0, 2, 3, 5, 6, 7], night.SetOfPhoto);
        Assert.Equal(("evermore", "folklore"), (Tours.Of2023.Sets[2].Set, Tours.Of2023.Sets[6].Set));
    }

    [Fact]
    public void An_hour_without_photos_passes_the_sets_played_in_it()
    {
        // Folkmore or Fearless? Fearless follows Lover, but an hour and a half later the show is past Reputation.
        var lover = new[] { Photo(5, "Lover"), Photo(15, "Lover") };
        var photos = lover.Append(Photo(105, "Folkmore", 0.5f, "Fearless", 0.4f)).ToList();

        var timed = ShowDecoder.DecodeNight(Labels, photos, Tours.Of2024);
        var untimed = ShowDecoder.DecodeNight(Labels, WithoutTimes(photos), Tours.Of2024);

        Assert.Equal(["Lover", "Lover", "Folkmore"], Eras(timed));
        Assert.Equal(["Lover", "Lover", "Fearless"], Eras(untimed));
    }

    [Fact]
    public void A_burst_seconds_apart_counts_as_one_moment_and_stays_in_its_set()
    {
        // Three photos within two seconds that look like Speak Now, between Red photos: one moment, not three.
        var burst = Enumerable.Range(0, 3).Select(i => Photo(50 + i / 60.0, "Speak Now", 0.7f));
        var photos = new[] { Photo(40, "Red"), Photo(45, "Red") }.Concat(burst).Concat([Photo(53, "Red"), Photo(56, "Red")]).ToList();

        var timed = ShowDecoder.DecodeNight(Labels, photos, Tours.Of2024);
        var untimed = ShowDecoder.DecodeNight(Labels, WithoutTimes(photos), Tours.Of2024);

        Assert.All(Eras(timed), era => Assert.Equal("Red", era));
        // Read as three photos of their own, the same pictures outweigh the two Red photos after them.
        Assert.Equal(["Speak Now", "Speak Now", "Speak Now"], Eras(untimed).Skip(2).Take(3));
    }

    [Fact]
    public void A_non_concert_picture_between_sets_belongs_to_no_set()
    {
        var photos = new[] { NonConcert(-30), Photo(5, "Lover"), Photo(17, "Lover"), NonConcert(20.5), Photo(26, "Fearless"), Photo(30, "Fearless") };

        var night = ShowDecoder.DecodeNight(Labels, photos, Tours.Of2024);

        Assert.Equal([null, "Lover", "Lover", null, "Fearless", "Fearless"], Eras(night));
    }

    [Fact]
    public void Photos_without_times_are_read_in_order_with_sets_skipped()
    {
        var photos = WithoutTimes([Photo(0, "Lover"), Photo(0, "Lover"), Photo(0, "Red"), Photo(0, "Red", 0.5f), Photo(0, "1989"), Photo(0, "TTPD"), Photo(0, "Midnights")]);

        var night = ShowDecoder.DecodeNight(Labels, photos);

        Assert.Equal("2024", night.Tour);
        Assert.Equal(Sets(Tours.Of2024, "Lover", "Lover", "Red", "Red", "1989", "TTPD", "Midnights"), night.SetOfPhoto);
    }

    [Fact]
    public void A_photo_without_a_time_between_two_with_one_is_placed_between_them()
    {
        // The untimed photo sits inside a burst, so it is part of that moment and lands in its set.
        var photos = new[] { Photo(40, "Red"), Photo(50, "Red"), Photo(50.02, "Red") with { TakenAt = null }, Photo(50.05, "Red"), Photo(70, "Reputation") };

        var night = ShowDecoder.DecodeNight(Labels, photos, Tours.Of2024);

        Assert.Equal(["Red", "Red", "Red", "Red", "Reputation"], Eras(night));
    }

    [Fact]
    public void A_known_tour_decides_the_order_the_photos_are_read_in()
    {
        var photos = new[] { Photo(5, "Lover"), Photo(150, "TTPD"), Photo(160, "TTPD"), Photo(200, "Midnights") };

        var unknown = ShowDecoder.DecodeNight(Labels, photos);
        var known = ShowDecoder.DecodeNight(Labels, photos, Tours.Of2023);

        Assert.Equal("2024", unknown.Tour);
        Assert.Equal("2023", known.Tour);
        Assert.Same(Tours.Of2023, known.Order);
        // 2023 played no TTPD set, so those photos go elsewhere; both orders' fit is still reported.
        var eras = Eras(known);
        Assert.Equal(("Lover", "Midnights"), (eras[0], eras[^1]));
        Assert.DoesNotContain("TTPD", eras);
        Assert.Equal((unknown.LogLikelihood2023, unknown.LogLikelihood2024), (known.LogLikelihood2023, known.LogLikelihood2024));
    }

    [Fact]
    public void Photos_the_model_gets_wrong_are_corrected_by_the_photos_around_them()
    {
        // A Red photo the model reads as Midnights, minutes from other Red photos: alone it is wrong, in the night it is Red.
        var photos = new[] { Photo(5, "Lover"), Photo(40, "Red"), Photo(46, "Midnights", 0.7f, "Red", 0.2f), Photo(52, "Red"), Photo(70, "Reputation") };

        var night = ShowDecoder.DecodeNight(Labels, photos, Tours.Of2024);

        Assert.Equal(["Lover", "Red", "Red", "Red", "Reputation"], Eras(night));
    }

    [Fact]
    public void Sets_both_orders_play_alike_name_no_tour_and_index_the_likelier_order()
    {
        var night = ShowDecoder.DecodeNight(Labels, [Photo(5, "Lover"), Photo(25, "Fearless")]);

        Assert.Null(night.Tour);
        Assert.Equal(["Lover", "Fearless"], Eras(night));
    }

    [Fact]
    public void A_night_needs_a_photo() =>
        Assert.Throws<ArgumentException>(() => ShowDecoder.DecodeNight(Labels, []));
}
