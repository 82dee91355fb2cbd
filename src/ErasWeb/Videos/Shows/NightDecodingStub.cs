namespace ErasWeb.Videos.Shows;

// TEMPORARY: replaced by the real night decoder when its branch is merged.
public sealed record NightPhoto(DateTime? TakenAt, float[] Probabilities, bool Unfamiliar);

public sealed record DecodedNight(string? Tour, IReadOnlyList<int?> SetOfPhoto, double LogLikelihood2023, double LogLikelihood2024);

public static partial class NightDecodingStub
{
    public static DecodedNight DecodeNight(IReadOnlyList<string> labels, IReadOnlyList<NightPhoto> photos, Tour? knownTour = null)
    {
        var tour = knownTour ?? Tours.Of2024;
        int at = 0;
        var sets = new List<int?>();
        foreach (var p in photos)
        {
            var era = labels[Array.IndexOf(p.Probabilities, p.Probabilities.Max())];
            int found = -1;
            for (int k = at; k < tour.Sets.Count; k++) if (tour.Sets[k].Era == era) { found = k; break; }
            if (p.Unfamiliar || found < 0) sets.Add(null);
            else { sets.Add(found); at = found; }
        }
        return new DecodedNight(tour.Name, sets, double.NaN, double.NaN);
    }
}
