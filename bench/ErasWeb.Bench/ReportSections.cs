namespace ErasWeb.Bench;

/// <summary>Finds and replaces the sections of BENCHMARKS.md that run on their own (the soak, several processes), leaving everything else as it was.</summary>
public static class ReportSections
{
    public const string SoakHeading = "## Soak";
    public const string NotesHeading = "## Notes";

    /// <summary>The section under <paramref name="heading"/> (up to the next level-2 heading), or null.</summary>
    public static string? Section(string report, string heading) => Find(report, heading) is var (start, end) ? report[start..end] : null;

    /// <summary>
    /// <paramref name="report"/> with the section under <paramref name="heading"/> replaced by <paramref name="section"/>;
    /// without one, the section goes before the hand-written notes, or at the end.
    /// </summary>
    public static string Replace(string report, string heading, string section)
    {
        section = section.TrimEnd() + "\n\n";
        if (Find(report, heading) is var (start, end)) return report[..start] + section + report[end..];
        int notes = LineStarting(report, NotesHeading, 0);
        if (notes >= 0) return report[..notes] + section + report[notes..];
        return report.Length == 0 ? section : report.TrimEnd() + "\n\n" + section;
    }

    static (int Start, int End)? Find(string report, string heading)
    {
        int start = LineStarting(report, heading + "\n", 0);
        if (start < 0) return null;
        int end = LineStarting(report, "## ", start + heading.Length);
        return (start, end < 0 ? report.Length : end);
    }

    /// <summary>Where the first line beginning with <paramref name="prefix"/> at or after <paramref name="from"/> begins, or -1.</summary>
    static int LineStarting(string text, string prefix, int from)
    {
        for (int i = from; i < text.Length; i = text.IndexOf('\n', i) is var n and >= 0 ? n + 1 : text.Length)
            if (string.CompareOrdinal(text, i, prefix, 0, prefix.Length) == 0 && (i == 0 || text[i - 1] == '\n')) return i;
        return -1;
    }
}
