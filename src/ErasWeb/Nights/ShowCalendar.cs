using System.Globalization;

namespace ErasWeb.Nights;

/// <summary>One show of the tour: its local date, the set order played (<c>2023</c> or <c>2024</c>), where, and the surprise songs of its acoustic set.</summary>
public sealed record Show(DateOnly Date, string Tour, string Venue, string City, string Country, IReadOnlyList<string> SurpriseSongs);

/// <summary>
/// The tour's shows by date, read from the shows.tsv the operator names (ERAS_SHOWS): a phone photo's
/// capture date names its show, and with it the night's set order and surprise songs. One show a date.
/// </summary>
public sealed class ShowCalendar
{
    readonly Dictionary<DateOnly, Show> shows;

    ShowCalendar(Dictionary<DateOnly, Show> shows) => this.shows = shows;

    /// <summary>No shows known: nights are read from their photos alone.</summary>
    public static readonly ShowCalendar Empty = new([]);

    public int Count => shows.Count;

    /// <summary>The show played on that local date, if any.</summary>
    public Show? On(DateOnly date) => shows.GetValueOrDefault(date);

    /// <summary>The night a photo taken at this local time belongs to: before 6 a.m. it is still the night before.</summary>
    public static DateOnly NightOf(DateTime takenAt) => DateOnly.FromDateTime(takenAt.AddHours(-6));

    static readonly string[] Columns = ["date", "tour", "venue", "city", "country", "surprise_songs"];

    /// <summary>Reads shows.tsv (a header line, then date, tour, venue, city, country, surprise songs separated by " | "); an empty path is <see cref="Empty"/>.</summary>
    public static ShowCalendar Load(string path)
    {
        if (string.IsNullOrEmpty(path)) return Empty;
        var lines = File.ReadAllLines(path);
        if (lines.Length == 0 || !lines[0].Split('\t').Take(Columns.Length).SequenceEqual(Columns))
            throw new InvalidDataException($"{path} does not start with the header {string.Join(", ", Columns)} (tab-separated).");
        var shows = new Dictionary<DateOnly, Show>();
        for (int i = 1; i < lines.Length; i++)
        {
            if (lines[i].Length == 0) continue;
            var cells = lines[i].Split('\t');
            if (cells.Length < Columns.Length || !DateOnly.TryParseExact(cells[0], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
                || cells[1] is not ("2023" or "2024") || !shows.TryAdd(date, new Show(date, cells[1], cells[2], cells[3], cells[4],
                    cells[5].Split(" | ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))))
                throw new InvalidDataException($"{path}, line {i + 1}: expected a date (YYYY-MM-DD) not listed before, the tour 2023 or 2024, venue, city, country and surprise songs.");
        }
        return new ShowCalendar(shows);
    }
}
