using System.Net;
using System.Text.Json;
using ErasWeb.Tests.Support;

namespace ErasWeb.Tests.Videos;

/// <summary>One frame a second, and videos of a minute or more read as shows, so generated shows stay short.</summary>
public sealed class ShowAppFixture : AppFixture
{
    public ShowAppFixture() => Settings = new Dictionary<string, string?>
    {
        ["Eras:VideoFrameIntervalSeconds"] = "1",
        ["Eras:ShowDecodeMinMinutes"] = "1",
    };
}

/// <summary>
/// Shows generated with FFmpeg from the shared photos, in each tour's order, with sets skipped, a late
/// start and stretches that are no set (black, a flat colour, noise like a crowd), read through the API.
/// What is decoded is the same on either database; one show is stored and read back on PostgreSQL too.
/// </summary>
public class ShowDecodingTests(ShowAppFixture app) : IClassFixture<ShowAppFixture>
{
    /// <summary>Seconds each set lasts in the generated shows (a frame is sampled about every second).</summary>
    const int SetSeconds = 6, PauseSeconds = 4;

    /// <summary>A stretch of a generated show: a set of an era (with its album's set in 2023), or no set (Era null).</summary>
    sealed record Stretch(string? Era, string Picture, int Seconds, string? Set = null);

    static Stretch Set(string era, string? set = null) => new(era, ShowPictures.Best(era), SetSeconds, set);
    static Stretch Pause(string picture) => new(null, picture, PauseSeconds);

    /// <summary>The generated video and, for each of its sets, the truth: era, album set, start and end.</summary>
    static (string Video, List<(string Era, string? Set, double Start, double End)> Sets) Generate(string name, params Stretch[] stretches)
    {
        var video = TestVideos.Slideshow(name, 320, 180, stretches.Select(s => (s.Picture, s.Seconds)).ToArray());
        var truth = new List<(string, string?, double, double)>();
        double at = 0;
        foreach (var s in stretches)
        {
            if (s.Era is not null) truth.Add((s.Era, s.Set, at, at + s.Seconds));
            at += s.Seconds;
        }
        return (video, truth);
    }

    async Task<JsonElement> AnalyseAsync(string video, string query = "")
    {
        var response = await VideoJobTests.UploadVideoAsync(app.Client, video, query + (query.Length == 0 ? "?" : "&") + "wait=120");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement;
    }

    /// <summary>The decoded sets match the truth in order and kind, each boundary within one sampling interval.</summary>
    static void AssertSets(JsonElement job, List<(string Era, string? Set, double Start, double End)> truth)
    {
        double interval = Interval(job);
        var sets = job.GetProperty("show").GetProperty("sets").EnumerateArray().ToList();
        // What the frames said, so a failure shows whether the model or the decoder went wrong.
        var said = string.Join(", ", job.GetProperty("frames").EnumerateArray().Select(f => $"{f.GetProperty("timestamp").GetDouble():0.#} {f.GetProperty("era").GetString()} {f.GetProperty("confidence").GetDouble():0.##}"));
        var decoded = string.Join(", ", sets.Select(s => $"{s.GetProperty("era").GetString()} {s.GetProperty("start").GetDouble():0.#}-{s.GetProperty("end").GetDouble():0.#}"));
        var expected = string.Join(", ", truth.Select(t => $"{t.Era} {t.Start:0.#}-{t.End:0.#}"));
        bool right = sets.Count == truth.Count && sets.Zip(truth).All(p =>
            p.First.GetProperty("era").GetString() == p.Second.Era && p.First.GetProperty("set").GetString() == p.Second.Set
            && Math.Abs(p.First.GetProperty("start").GetDouble() - p.Second.Start) <= interval && Math.Abs(p.First.GetProperty("end").GetDouble() - p.Second.End) <= interval);
        Assert.True(right, $"Expected {expected}\nDecoded {decoded}\nFrames: {said}");
    }

    static double Interval(JsonElement job)
    {
        var times = job.GetProperty("frames").EnumerateArray().Select(f => f.GetProperty("timestamp").GetDouble()).ToList();
        return times.Zip(times.Skip(1), (a, b) => b - a).Max() + 0.05;
    }

    [Fact]
    public async Task A_2024_show_that_starts_late_ends_early_and_has_pauses_is_read_in_the_2024_order()
    {
        var (video, truth) = Generate("show-2024.mp4",
            Pause(ShowPictures.Noise), Set("Red"), Set("Speak Now"), Set("Reputation"), Pause(ShowPictures.Black), Set("Folkmore"),
            Set("1989"), Set("TTPD"), Pause(ShowPictures.Flat), Set("Acoustic"));

        var job = await AnalyseAsync(video, "?decode=show");

        var show = job.GetProperty("show");
        Assert.Equal("2024", show.GetProperty("tour").GetString());
        Assert.True(show.GetProperty("log_likelihood_2024").GetDouble() > show.GetProperty("log_likelihood_2023").GetDouble());
        AssertSets(job, truth);
        // The answer of old stays: the era with the largest summed probability, and the frame-by-frame timeline beside the show.
        Assert.NotEmpty(job.GetProperty("timeline").EnumerateArray());
        Assert.False(string.IsNullOrEmpty(job.GetProperty("predicted_class").GetString()));
    }

    [Fact]
    [Trait("Category", "Storage")]
    public async Task A_2023_show_with_a_set_skipped_is_read_in_the_2023_order_with_evermore_and_folklore_apart()
    {
        var (video, truth) = Generate("show-2023.mp4",
            Set("Lover"), Set("Fearless"), Set("Folkmore", "evermore"), Set("Reputation"), Pause(ShowPictures.Black),
            Set("Red"), Set("Folkmore", "folklore"), Set("1989"), Pause(ShowPictures.Noise), Set("Acoustic"), Set("Midnights"));

        var job = await AnalyseAsync(video, "?decode=show");

        var show = job.GetProperty("show");
        Assert.Equal("2023", show.GetProperty("tour").GetString());
        Assert.True(show.GetProperty("log_likelihood_2023").GetDouble() > show.GetProperty("log_likelihood_2024").GetDouble());
        AssertSets(job, truth);
    }

    [Fact]
    public async Task With_frames_the_model_gets_wrong_the_show_labels_more_of_the_recording_right_than_the_frame_by_frame_timeline()
    {
        // The Red set shows for a while what the model surely reads as Midnights, the show's last set, as screens and odd angles
        // do: frame by frame it is a Midnights stretch; with the order, taking it would give up every set between.
        var (video, truth) = Generate("show-wrong-frames.mp4",
            Set("Lover"), Set("Fearless"), Set("Red"), new Stretch("Red", ShowPictures.Best("Midnights"), 3), Set("Red"), Set("Speak Now"), Set("Reputation"));
        truth = Merge(truth);

        var job = await AnalyseAsync(video, "?decode=show");

        double duration = job.GetProperty("duration_seconds").GetDouble();
        var decoded = job.GetProperty("show").GetProperty("sets").EnumerateArray()
            .Select(s => (s.GetProperty("era").GetString()!, s.GetProperty("start").GetDouble(), s.GetProperty("end").GetDouble())).ToList();
        var free = job.GetProperty("timeline").EnumerateArray()
            .Select(s => (s.GetProperty("era").GetString()!, s.GetProperty("start").GetDouble(), s.GetProperty("end").GetDouble())).ToList();
        var right = truth.Select(t => (t.Era, t.Start, t.End)).ToList();
        double showScore = ShareRight(decoded, right, duration), freeScore = ShareRight(free, right, duration);
        Assert.True(showScore > freeScore, $"show {showScore:P0} against frame by frame {freeScore:P0}");
        AssertSets(job, truth);
    }

    /// <summary>Consecutive stretches of the same set as one.</summary>
    static List<(string Era, string? Set, double Start, double End)> Merge(List<(string Era, string? Set, double Start, double End)> sets)
    {
        var merged = new List<(string Era, string? Set, double Start, double End)>();
        foreach (var s in sets)
            if (merged.Count > 0 && merged[^1].Era == s.Era && merged[^1].End == s.Start) merged[^1] = merged[^1] with { End = s.End };
            else merged.Add(s);
        return merged;
    }

    /// <summary>The share of the recording where the labelled era is the true one (time in no set counts as right when nothing labels it).</summary>
    static double ShareRight(IReadOnlyList<(string Era, double Start, double End)> labelled, IReadOnlyList<(string Era, double Start, double End)> truth, double duration)
    {
        const double Step = 0.1;
        string? At(IReadOnlyList<(string Era, double Start, double End)> stretches, double t) => stretches.FirstOrDefault(s => s.Start <= t && t < s.End).Era;
        int right = 0, all = 0;
        for (double t = Step / 2; t < duration; t += Step, all++)
            if (At(labelled, t) == At(truth, t)) right++;
        return (double)right / all;
    }

    [Fact]
    public async Task A_short_clip_keeps_the_frame_by_frame_answer_unless_show_decoding_is_asked_for_and_free_turns_it_off()
    {
        var (clip, _) = Generate("short-clip.mp4", Set("Lover"), Set("Fearless"));
        var (longVideo, _) = Generate("long-enough.mp4", Set("Lover"), Set("Fearless"), Set("Red"), Set("Speak Now"), Set("Reputation"),
            Set("Folkmore"), Set("1989"), Set("TTPD"), Set("Acoustic"), Set("Midnights"), Set("Midnights"));

        var plain = await AnalyseAsync(clip);
        Assert.Equal(JsonValueKind.Null, plain.GetProperty("show").ValueKind);
        Assert.Equal(["Lover", "Fearless"], plain.GetProperty("timeline").EnumerateArray().Select(s => s.GetProperty("era").GetString()));

        var asked = await AnalyseAsync(clip, "?decode=show");
        Assert.NotEqual(plain.GetProperty("job_id").GetInt64(), asked.GetProperty("job_id").GetInt64());
        Assert.Equal(["Lover", "Fearless"], asked.GetProperty("show").GetProperty("sets").EnumerateArray().Select(s => s.GetProperty("era").GetString()));
        // The same prediction, now read both ways; the plain job still answers without the show.
        Assert.Equal(plain.GetProperty("prediction_id").GetInt64(), asked.GetProperty("prediction_id").GetInt64());
        var again = JsonDocument.Parse(await app.Client.GetStringAsync(plain.GetProperty("status_url").GetString())).RootElement;
        Assert.Equal(JsonValueKind.Null, again.GetProperty("show").ValueKind);

        var automatic = await AnalyseAsync(longVideo);
        Assert.True(automatic.GetProperty("duration_seconds").GetDouble() >= 60);
        Assert.Equal(10, automatic.GetProperty("show").GetProperty("sets").GetArrayLength());
        var free = await AnalyseAsync(longVideo, "?decode=free");
        Assert.Equal(JsonValueKind.Null, free.GetProperty("show").ValueKind);
    }

    [Theory]
    [InlineData("viterbi")]
    [InlineData("SHOW")]
    [InlineData("1")]
    public async Task A_decode_that_is_not_a_mode_is_400_problem_json_before_the_upload_is_read(string decode)
    {
        var response = await AppFixture.PostFileAsync(app.Client, await File.ReadAllBytesAsync(ShowPictures.Black), "black.png", $"?decode={decode}", "image/png");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("decode must be", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString());
    }
}
