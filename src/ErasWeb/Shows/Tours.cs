namespace ErasWeb.Shows;

/// <summary>One set of the show: the era it belongs to, and which album's set when an era has two (Folkmore in 2023).</summary>
public sealed record SetSlot(string Era, string? Set = null);

/// <summary>
/// A tour leg's fixed set order, and each set's typical length in minutes (from the studio lengths of its
/// songs; live versions differ, so only a loose prior for how far apart in the show two photos are).
/// </summary>
public sealed record Tour(string Name, IReadOnlyList<SetSlot> Sets, IReadOnlyList<double> SetMinutes);

/// <summary>The two set orders the Eras Tour was played in.</summary>
public static class Tours
{
    /// <summary>From the Paris show of 9 May 2024 on: folklore and evermore as one set, TTPD added.</summary>
    public static readonly Tour Of2024 = new("2024",
    [
        new("Lover"), new("Fearless"), new("Red"), new("Speak Now"), new("Reputation"),
        new("Folkmore"), new("1989"), new("TTPD"), new("Acoustic"), new("Midnights"),
    ],
    [20, 12, 21, 6, 15, 33, 19, 31, 9, 22]);

    /// <summary>Glendale, 17 March 2023, to Singapore, 9 March 2024: evermore and folklore as two sets apart.</summary>
    public static readonly Tour Of2023 = new("2023",
    [
        new("Lover"), new("Fearless"), new("Folkmore", "evermore"), new("Reputation"), new("Speak Now"),
        new("Red"), new("Folkmore", "folklore"), new("1989"), new("Acoustic"), new("Midnights"),
    ],
    [20, 12, 20, 15, 8, 21, 30, 19, 9, 22]);

    public static readonly IReadOnlyList<Tour> All = [Of2024, Of2023];

    /// <summary>The set order a night read as <paramref name="tour"/> is drawn in; with no tour named, 2024's (its sets are played alike in both).</summary>
    public static IReadOnlyList<SetSlot> OrderOf(string? tour) => (tour == Of2023.Name ? Of2023 : Of2024).Sets;
}
