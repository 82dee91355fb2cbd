using System.ComponentModel;
using System.Text.Json.Serialization;

namespace ErasWeb.Shows;

/// <summary>A decoded set: its era, which album's set when the era has two in the tour, and from when to when (seconds).</summary>
public sealed record DecodedSet(
    string Era,
    [property: Description("'evermore' or 'folklore' for the 2023 tour's two Folkmore sets; null otherwise.")] string? Set,
    double Start,
    double End);

/// <summary>
/// A recording read as a show: the tour whose set order explains it better, its sets in order (start
/// and end in seconds), and each order's log-likelihood.
/// </summary>
public sealed record DecodedShow(
    [property: Description("'2024' or '2023': the set order that explains the recording clearly better; null when both fit about as well (sets both orders share).")] string? Tour,
    IReadOnlyList<DecodedSet> Sets,
    [property: JsonPropertyName("log_likelihood_2023")] double LogLikelihood2023,
    [property: JsonPropertyName("log_likelihood_2024")] double LogLikelihood2024);
