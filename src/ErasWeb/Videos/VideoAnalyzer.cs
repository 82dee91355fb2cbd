using System.Threading.Channels;
using ErasWeb.Classification;
using ErasWeb.Configuration;
using ErasWeb.Data;
using ErasWeb.Localisation;
using ErasWeb.Media;
using ErasWeb.Predictions;
using ErasWeb.Shows;
using SkiaSharp;

namespace ErasWeb.Videos;

/// <summary>What the model saw in one sampled frame; <paramref name="Unfamiliar"/>: unlike any stage photo it learned from.</summary>
public sealed record FrameResult(TimeSpan Time, float[] Probabilities, int EraIndex, bool Uncertain, bool Unfamiliar, byte[] Thumbnail);

/// <summary>Everything stored for a video: per-frame answers, the overall era, the timeline, the show when it was read as one, and the key frame's pictures.</summary>
public sealed record VideoAnalysis(
    VideoInfo Video,
    IReadOnlyList<string> Labels,
    IReadOnlyList<FrameResult> Frames,
    float[] Probabilities,
    int Winner,
    int KeyFrame,
    IReadOnlyList<Segment> Timeline,
    DecodedShow? Show,
    string? UncertainReason,
    string Explanation,
    byte[] Poster,
    byte[] PosterThumbnail,
    byte[] GradCam)
{
    public string Era => Labels[Winner];
    /// <summary>The winner's mean probability over the sampled frames.</summary>
    public float Confidence => Probabilities[Winner];
}

/// <summary>
/// The video use case's CPU work: sample frames with FFmpeg, classify them in batches as they
/// arrive (decoding and classifying overlap), sum the probabilities into one era, build the
/// timeline, and draw Grad-CAM over the frame that shows the winning era most clearly.
/// </summary>
public static class VideoAnalyzer
{
    const int BatchSize = 8;

    /// <summary>Plans of up to this many frames sample them at display size and keep them (about 2.4 MB each) until the poster is chosen.</summary>
    const int KeptFramesUpTo = 16;

    /// <summary>
    /// The wall-clock time an analysis may take, in proportion to the video's real length (counted as at
    /// least a minute), so no file, whatever its header claims or its frames cost, holds a worker for long.
    /// </summary>
    public static TimeSpan Budget(VideoInfo video, ErasOptions options) =>
        TimeSpan.FromSeconds(options.VideoWorkSecondsPerMinute * Math.Max(1, video.Duration.TotalMinutes));

    /// <param name="cpu">Taken for each batch, so photo requests get their turns while a long video runs.</param>
    /// <param name="decode">Whether the frames are also read as a show with the tour's set order.</param>
    public static async Task<VideoAnalysis> AnalyzeAsync(string path, VideoProbe probe, FrameSampler sampler, IEraModel model, SemaphoreSlim cpu, ErasOptions options, DecodeMode decode, Action<double> progress, CancellationToken ct)
    {
        // The real duration (where the last packet ends) decides the work, not the one the header claims.
        var video = await probe.ProbeWithKeyframesAsync(path, options.FFmpegTimeout, ct);
        CheckDuration(video, options);
        var budget = Budget(video, options);
        using var work = new WorkBudget(budget, ct);
        try { return await AnalyzeAsync(path, video, sampler, model, new TurnsAtTheCpu(cpu, work), options, ShowDecoder.Applies(decode, video.Duration.TotalSeconds, options), progress, work.Token); }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new FFmpegException(Texts.Say("Video.TookTooLong", VideoProbe.Describe(budget), VideoProbe.Describe(video.Duration)));
        }
    }

    static async Task<VideoAnalysis> AnalyzeAsync(string path, VideoInfo video, FrameSampler sampler, IEraModel model, TurnsAtTheCpu cpu, ErasOptions options, bool readAsShow,
        Action<double> progress, CancellationToken ct)
    {
        var times = FrameSampler.Plan(video.Duration, options.VideoFrames, TimeSpan.FromSeconds(options.VideoFrameIntervalSeconds), options.VideoMaxFrames);
        progress(0.02);
        // A few frames come at display size and are kept, so the poster is one of them rather than decoded again (from its
        // keyframe on) at the end; many come at the model's size, as moving and keeping them at display size would cost more.
        bool keepFrames = times.Count <= KeptFramesUpTo;
        var size = keepFrames ? FrameSampler.SizeWithin(video, ImageDecoder.DisplayLongSide) : FrameSampler.OutputSize(video, model.PreferredShortSide);
        var kept = new List<SampledFrame>();
        try
        {
            var frames = await ClassifySampledFramesAsync(path, video, sampler, times, size, model, cpu, options, progress, keepFrames ? kept : null, ct);
            frames.Sort((a, b) => a.Time.CompareTo(b.Time));
            var mean = new float[model.Labels.Count];
            foreach (var frame in frames) System.Numerics.Tensors.TensorPrimitives.Add(mean, frame.Probabilities, mean);
            System.Numerics.Tensors.TensorPrimitives.Divide(mean, frames.Count, mean);
            int winner = System.Numerics.Tensors.TensorPrimitives.IndexOfMax(mean);
            int key = Enumerable.Range(0, frames.Count).MaxBy(i => frames[i].Probabilities[winner]);
            var timeline = Timeline.Build(frames.Select(f => (f.Time, model.Labels[f.EraIndex])).ToList(), video.Duration);
            // A head that lacks some of the tour's eras (a model brought by the site owner) reads frames only.
            var show = readAsShow && ShowDecoder.CanDecode(model.Labels) ? ShowDecoder.Decode(model.Labels, frames.Select(f => new ShowFrame(f.Time, f.Probabilities, f.Unfamiliar)).ToList(), video.Duration) : null;

            using var sought = keepFrames ? null : await sampler.FrameAtAsync(path, video, frames[key].Time, ImageDecoder.DisplayLongSide, options.FFmpegTimeout, ct);
            var poster = sought ?? kept.First(f => f.Time == frames[key].Time).Image;
            var explained = model.Classify([poster], HeatmapFor.Of(winner))[0];
            using var overlay = GradCamOverlay.Render(poster, explained.Heatmap, explained.Crop);
            progress(0.95);

            int uncertain = frames.Count(f => f.Uncertain);
            string? reason = uncertain * 2 > frames.Count
                ? $"Most sampled frames ({uncertain} of {frames.Count}) do not look like the Eras Tour stage photos the model learned from, so its era guess is not trustworthy."
                : null;
            return new VideoAnalysis(video, model.Labels, frames, mean, winner, key, timeline, show, reason, explained.Heatmap.Kind.Name(),
                ImageEncoder.Jpeg(poster), ImageEncoder.JpegWithin(poster, ImagePipeline.ThumbnailLongSide, 80), ImageEncoder.Jpeg(overlay));
        }
        finally { kept.ForEach(f => f.Dispose()); }
    }

    /// <summary>
    /// Samples the frames and classifies them in batches as they arrive (decoding and classifying overlap);
    /// the frames go into <paramref name="keep"/> when given, else are disposed once classified.
    /// </summary>
    static async Task<List<FrameResult>> ClassifySampledFramesAsync(string path, VideoInfo video, FrameSampler sampler, IReadOnlyList<TimeSpan> times, (int Width, int Height) size,
        IEraModel model, TurnsAtTheCpu cpu, ErasOptions options, Action<double> progress, List<SampledFrame>? keep, CancellationToken ct)
    {
        var frames = new List<FrameResult>(times.Count);
        var decoded = Channel.CreateBounded<SampledFrame>(2 * BatchSize);
        // Stops the sampler (and its FFmpeg) if classifying fails, rather than leaving it blocked on a full channel.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var producer = Task.Run(async () =>
        {
            try
            {
                await foreach (var frame in sampler.SampleAsync(path, video, times, size, options.FFmpegTimeout, stop.Token))
                    await decoded.Writer.WriteAsync(frame, stop.Token);
                decoded.Writer.Complete();
            }
            catch (Exception e) { decoded.Writer.Complete(e); }
        }, stop.Token);
        try
        {
            var batch = new List<SampledFrame>(BatchSize);
            while (await decoded.Reader.WaitToReadAsync(ct))
            {
                while (batch.Count < BatchSize && decoded.Reader.TryRead(out var frame)) batch.Add(frame);
                await cpu.TakeAsync(ct);
                try { frames.AddRange(Classify(model, batch)); }
                finally
                {
                    cpu.Release();
                    if (keep is null) batch.ForEach(f => f.Dispose());
                    else keep.AddRange(batch);
                    batch.Clear();
                }
                progress(0.02 + 0.88 * Math.Min(1, (double)frames.Count / times.Count));
            }
        }
        finally
        {
            stop.Cancel();
            await producer;
            while (decoded.Reader.TryRead(out var left)) left.Dispose();
        }
        return frames;
    }

    /// <summary>
    /// The wall-clock budget of one analysis, less the time spent waiting for turns at the CPU: while
    /// photo requests have their turns, the video is not at work, and a busy site must not fail its videos.
    /// </summary>
    sealed class WorkBudget : IDisposable
    {
        readonly CancellationTokenSource source;
        readonly long started = System.Diagnostics.Stopwatch.GetTimestamp();
        TimeSpan allowed;

        public WorkBudget(TimeSpan budget, CancellationToken ct)
        {
            (source, allowed) = (CancellationTokenSource.CreateLinkedTokenSource(ct), budget);
            source.CancelAfter(budget);
        }

        public CancellationToken Token => source.Token;

        /// <summary>Gives back time spent waiting rather than working.</summary>
        public void Waited(TimeSpan time)
        {
            allowed += time;
            var left = allowed - System.Diagnostics.Stopwatch.GetElapsedTime(started);
            if (!source.IsCancellationRequested) source.CancelAfter(left > TimeSpan.Zero ? left : TimeSpan.Zero);
        }

        public void Dispose() => source.Dispose();
    }

    /// <summary>Turns at the CPU (<see cref="Classification.ModelHost.Analyses"/>), each one's wait given back to the work budget.</summary>
    sealed class TurnsAtTheCpu(SemaphoreSlim cpu, WorkBudget budget)
    {
        public async Task TakeAsync(CancellationToken ct)
        {
            long asked = System.Diagnostics.Stopwatch.GetTimestamp();
            await cpu.WaitAsync(ct);
            budget.Waited(System.Diagnostics.Stopwatch.GetElapsedTime(asked));
        }

        public void Release() => cpu.Release();
    }

    /// <summary>A header can claim any duration; past the limit the file is refused rather than sampled into nothing.</summary>
    public static void CheckDuration(VideoInfo video, ErasOptions options)
    {
        if (video.Duration.TotalSeconds > options.MaxVideoSeconds)
            throw new FFmpegException(Texts.Say("Video.TooLong", VideoProbe.Describe(video.Duration), VideoProbe.Describe(TimeSpan.FromSeconds(options.MaxVideoSeconds))));
    }

    static IEnumerable<FrameResult> Classify(IEraModel model, List<SampledFrame> batch)
    {
        var predictions = model.Classify(batch.Select(f => f.Image).ToList(), HeatmapFor.None);
        for (int i = 0; i < batch.Count; i++)
        {
            var p = predictions[i];
            yield return new FrameResult(batch[i].Time, p.Probabilities, p.PredictedIndex, p.Uncertain, p.Unfamiliar,
                ImageEncoder.JpegWithin(batch[i].Image, ImagePipeline.ThumbnailLongSide, 80));
        }
    }
}
