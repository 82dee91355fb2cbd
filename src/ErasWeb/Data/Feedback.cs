namespace ErasWeb.Data;

/// <summary>
/// What fans said about one prediction, and what the admin made of it: one row per prediction that
/// has votes, kept up to date with every vote so lists and filters never count votes.
/// </summary>
public sealed class Feedback
{
    public long Id { get; set; }
    public long PredictionId { get; set; }
    public Prediction? Prediction { get; set; }
    /// <summary>The era most fans chose (on a tie, the one chosen most recently).</summary>
    public required string FanEra { get; set; }
    /// <summary>How many fans chose <see cref="FanEra"/>.</summary>
    public int FanEraVotes { get; set; }
    public int TotalVotes { get; set; }
    /// <summary>Every era fans chose and how many chose it, most first.</summary>
    public required Dictionary<string, int> Votes { get; set; }
    public FeedbackStatus Status { get; set; }
    /// <summary>The era an admin accepted as the truth; the prediction's picture then becomes a training example.</summary>
    public string? Label { get; set; }
    public DateTime CreatedAtUtc { get; set; }
    public DateTime UpdatedAtUtc { get; set; }
    public DateTime? ReviewedAtUtc { get; set; }
    /// <summary>Set when the label was accepted from a night's decoded eras: the night it came from (photos of one evening are one group in training).</summary>
    public long? NightId { get; set; }
    /// <summary>Fans' verdict changed after the admin's decision: up for another look, the decision standing until then.</summary>
    public bool Flagged { get; set; }
}

/// <summary>One voter's answer for one prediction; a second vote by the same voter replaces the first.</summary>
public sealed class FanVote
{
    public long Id { get; set; }
    public long PredictionId { get; set; }
    /// <summary>A browser's random cookie id, or for a client without it a keyed hash of its address.</summary>
    public required string Voter { get; set; }
    /// <summary>A keyed hash of the client address it came from: one vote per address too, however many browser ids it shows.</summary>
    public string? Address { get; set; }
    public required string Era { get; set; }
    public DateTime AtUtc { get; set; }
}
