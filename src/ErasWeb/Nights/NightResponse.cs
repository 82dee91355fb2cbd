using System.ComponentModel;
using ErasWeb.Data;
using ErasWeb.Predictions;
using Microsoft.EntityFrameworkCore;

namespace ErasWeb.Nights;

/// <summary>The show a night's date names, from the tour's list of shows.</summary>
public sealed record NightShow(
    DateOnly Date,
    string Venue,
    string City,
    [property: Description("ISO 3166 country code.")] string Country,
    [property: Description("The set order played that night: '2023' or '2024'.")] string Tour,
    [property: Description("The acoustic set's surprise songs, in the order played, with the notes the setlist gives.")] IReadOnlyList<string> SurpriseSongs);

/// <summary>One set of the night as its photos show it.</summary>
public sealed record NightSet(
    string Era,
    [property: Description("'evermore' or 'folklore' for the 2023 tour's two Folkmore sets; null otherwise.")] string? Set,
    [property: Description("The capture time of its first photo (local, as the camera wrote it); null when its photos carry none.")] DateTime? Start,
    [property: Description("The capture time of its last photo.")] DateTime? End,
    [property: Description("How many of the night's photos were decoded into this set.")] int Photos,
    [property: Description("For the acoustic set of a known show: its surprise songs.")] IReadOnlyList<string>? SurpriseSongs);

/// <summary>One photo of a night, in capture order.</summary>
public sealed record NightPhotoResponse(
    [property: Description("Its place in the upload, from 0.")] int UploadIndex,
    string FileName,
    [property: Description("EXIF DateTimeOriginal as the camera wrote it (local time, no zone), or null.")] DateTime? TakenAt,
    long? PredictionId,
    [property: Description("The photo read alone, as POST /predict answers it.")] string? PredictedClass,
    float? Confidence,
    bool? Uncertain,
    [property: Description("The era of the set the night's order put it in; null for a photo between sets (friends, food, the crowd) or one that could not be read.")] string? Era,
    [property: Description("'evermore' or 'folklore' for the 2023 tour's two Folkmore sets; null otherwise.")] string? Set,
    string? ThumbnailUrl,
    string? PageUrl,
    [property: Description("Why the photo could not be read; the rest of the night goes on without it.")] string? Error);

/// <summary>A night as the API tells it: its status while it is read, then the show, the sets and every photo with its set.</summary>
public sealed record NightResponse(
    long NightId,
    [property: Description("queued, running, succeeded or failed, as for video jobs.")] string Status,
    int Progress,
    string? Error,
    [property: Description("This night's API address (with its key when it is kept out of the gallery).")] string StatusUrl,
    [property: Description("The night's page (with its key when it is kept out of the gallery).")] string PageUrl,
    DateTime CreatedAt,
    DateTime? FinishedAt,
    int PhotoCount,
    [property: Description("Whether its photos are in the public gallery; otherwise the night and its photos open only with its key.")] bool Gallery,
    [property: Description("taken_at when the photos carried capture times (photos without one keep their place beside their neighbours in the upload), upload when none did.")] string? Order = null,
    [property: Description("The set order decoded: '2024' or '2023' (the show's, when the date names one); null when both fit alike.")] string? Tour = null,
    [property: Description("The show the capture date names (a photo before 6 a.m. counts for the night before); null when no show was played that date.")] NightShow? Show = null,
    [property: Description("The sets the photos show, in show order.")] IReadOnlyList<NightSet>? Sets = null,
    [property: Description("Every photo, in capture order.")] IReadOnlyList<NightPhotoResponse>? Photos = null,
    [property: Description("The era most of the night's photos were decoded into, for clients that read one era.")] string? PredictedClass = null,
    [property: Description("A ZIP of the photos sorted into a folder per set, in show order.")] string? DownloadUrl = null,
    [property: Description("Only in the answer to the upload: send it as X-Delete-Token to DELETE /api/nights/{id} to delete the night with every photo in it.")] string? DeleteToken = null);

public static class NightUrls
{
    public static string Api(long id, string? key = null) => WithKey($"/api/nights/{id}", key);
    public static string Page(long id, string? key = null) => WithKey($"/nights/{id}", key);
    public static string Download(long id, string? key = null) => WithKey($"/api/nights/{id}/download", key);
    public static string ShareImage(long id, string? key = null) => WithKey($"/api/nights/{id}/share-image", key);

    static string WithKey(string url, string? key) => key is null ? url : $"{url}?key={Uri.EscapeDataString(key)}";
}

/// <summary>A night as the gallery shows it: a photo of it, the show (or none), the tour, its sets' eras in order.</summary>
public sealed record NightCard(long Id, DateTime CreatedAtUtc, int Photos, string? Tour, Show? Show, IReadOnlyList<string> Eras, long? CoverPredictionId);

/// <summary>What the API, the pages and the download read of a night.</summary>
public static class NightQueries
{
    /// <summary>A night with its photos, if this request may see it (an unlisted one only with its key).</summary>
    public static Task<Night?> FindAsync(ErasDb db, long id, CancellationToken ct) =>
        db.Nights.AsNoTracking().Include(n => n.Photos).FirstOrDefaultAsync(n => n.Id == id, ct);

    /// <summary>The night as the API tells it; once read, with its show, sets and photos.</summary>
    public static async Task<NightResponse> DescribeAsync(Night night, ErasDb db, ShowCalendar calendar, CancellationToken ct)
    {
        var key = night.AccessKey;
        var response = new NightResponse(night.Id, night.Status.Text(), night.Status == WorkStatus.Succeeded ? 100 : night.Progress, night.Error,
            NightUrls.Api(night.Id, key), NightUrls.Page(night.Id, key), Utc(night.CreatedAtUtc), night.FinishedAtUtc is { } f ? Utc(f) : null,
            night.Photos.Count, key is null);
        if (night.Status != WorkStatus.Succeeded) return response;

        var predictions = await PhotoPredictionsAsync(night, db, ct);
        var show = night.ShowDate is { } date ? calendar.On(date) : null;
        var photos = night.Photos.OrderBy(p => p.Position).Select(p => predictions.GetValueOrDefault(p.PredictionId ?? 0) is { } prediction
            ? new NightPhotoResponse(p.UploadIndex, p.FileName, p.TakenAt, prediction.Id, prediction.PredictedClass, prediction.Confidence, prediction.UncertainReason is not null,
                p.Era, p.Set, PredictionUrls.Thumbnail(prediction.Id, prediction.AccessKey), PredictionUrls.Page(prediction.Id, prediction.AccessKey), p.Error)
            : new NightPhotoResponse(p.UploadIndex, p.FileName, p.TakenAt, null, null, null, null, null, null, null, null,
                p.Error ?? "This photo's answer was deleted.")).ToList();
        var sets = SetsOf(night.Photos, show);
        return response with
        {
            Order = night.Order,
            Tour = night.Tour,
            Show = show is null ? null : new NightShow(show.Date, show.Venue, show.City, show.Country, show.Tour, show.SurpriseSongs),
            Sets = sets,
            Photos = photos,
            PredictedClass = sets.GroupBy(s => s.Era).MaxBy(g => g.Sum(s => s.Photos))?.Key,
            DownloadUrl = NightUrls.Download(night.Id, key),
        };
    }

    /// <summary>
    /// The photos' predictions, by id, for whoever may see the night (a private night's photos each have a
    /// key of their own, which the night hands out); an admin's hidden ones are left out.
    /// </summary>
    public static Task<Dictionary<long, PredictionSummary>> PhotoPredictionsAsync(Night night, ErasDb db, CancellationToken ct)
    {
        var ids = night.Photos.Select(p => p.PredictionId).OfType<long>().ToList();
        return db.Predictions.AsNoTracking().UnlessHidden().Where(p => ids.Contains(p.Id)).Select(PredictionSummary.FromEntity).ToDictionaryAsync(p => p.Id, ct);
    }

    /// <summary>
    /// The sets in show order with their photos: the decoder only moves forward, so every photo of one set
    /// (era and album) belongs together, whatever photos between sets come in between.
    /// </summary>
    public static List<NightSet> SetsOf(IEnumerable<NightPhoto> photos, Show? show) =>
        [.. photos.Where(p => p.Era is not null).OrderBy(p => p.Position).GroupBy(p => (p.Era!, p.Set)).Select(g => new NightSet(g.Key.Item1, g.Key.Set,
            g.Min(p => p.TakenAt), g.Max(p => p.TakenAt), g.Count(), g.Key.Item1 == "Acoustic" && show is not null ? show.SurpriseSongs : null))];

    /// <summary>The public nights that have been read, newest first, a page at a time (keyset paging on the id, as for predictions).</summary>
    public static async Task<(IReadOnlyList<NightCard> Items, long? NextBefore)> GalleryPageAsync(ErasDb db, ShowCalendar calendar, long? before, int size, CancellationToken ct)
    {
        var nights = db.Nights.AsNoTracking().Listed().Where(n => n.Status == WorkStatus.Succeeded && n.Photos.Any(p => p.PredictionId != null));
        if (before is long cursor) nights = nights.Where(n => n.Id < cursor);
        var rows = await nights.OrderByDescending(n => n.Id).Take(size + 1).Include(n => n.Photos).ToListAsync(ct);
        var cards = rows.Take(size).Select(n => new NightCard(n.Id, n.CreatedAtUtc, n.Photos.Count, n.Tour, n.ShowDate is { } d ? calendar.On(d) : null,
            [.. SetsOf(n.Photos, null).Select(s => s.Era)],
            // The cover: the first photo of its most photographed set.
            n.Photos.Where(p => p.Era is not null && p.PredictionId is not null).GroupBy(p => (p.Era, p.Set)).MaxBy(g => g.Count())?.MinBy(p => p.Position)?.PredictionId)).ToList();
        return (cards, rows.Count > size ? cards[^1].Id : null);
    }

    static DateTime Utc(DateTime t) => DateTime.SpecifyKind(t, DateTimeKind.Utc);
}
