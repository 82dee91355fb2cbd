using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace ErasWeb.Data;

/// <summary>Where queued work (a video job, a night, a retraining, a gallery re-run) is.</summary>
public enum WorkStatus { Queued, Running, Succeeded, Failed }

public enum PredictionKind { Image, Video }

/// <summary>What the admin made of fans' verdict on a prediction.</summary>
public enum FeedbackStatus { Pending, Accepted, Rejected }

/// <summary>The admin's review queues: each <see cref="FeedbackStatus"/>, and the decided items whose fans have since changed their verdict (<see cref="Feedback.Flagged"/>).</summary>
public enum ReviewQueue { Pending, Flagged, Accepted, Rejected }

public enum ModelVersionStatus
{
    /// <summary>The head answering uploads; one at a time.</summary>
    Active,
    /// <summary>Trained and scored, neither promoted nor rejected yet.</summary>
    Candidate,
    /// <summary>Failed the eval gate; kept with its scores and reasons.</summary>
    Rejected,
    /// <summary>Was active once; can be activated again (a rollback).</summary>
    Retired,
}

/// <summary>
/// The domain's words as they are stored, shown and sent: lower case ("queued"). The database keeps them as
/// text, so rows stay readable and a new word needs no migration.
/// </summary>
public static class Vocabulary
{
    public static string Text<T>(this T word) where T : struct, Enum => word.ToString().ToLowerInvariant();

    /// <summary>The word <paramref name="text"/> is, exactly as <see cref="Text{T}"/> writes it, or null when it is none.</summary>
    public static T? Parse<T>(string? text) where T : struct, Enum
    {
        foreach (var word in Enum.GetValues<T>())
            if (word.Text() == text) return word;
        return null;
    }

    /// <summary>Every word of <typeparamref name="T"/>, as text.</summary>
    public static IReadOnlyList<string> All<T>() where T : struct, Enum => Enum.GetValues<T>().Select(Text).ToList();

    /// <summary>How EF Core stores a word: its <see cref="Text{T}"/>.</summary>
    public sealed class Converter<T>() : ValueConverter<T, string>(word => word.ToString().ToLowerInvariant(), text => Enum.Parse<T>(text, true))
        where T : struct, Enum;
}
