namespace ErasWeb.Training;

/// <summary>
/// K-fold assignment by group: every photo of one outfit lands in the same fold, so a model is
/// never scored on an outfit it was trained on. Groups of each class are spread over the folds.
/// </summary>
public static class GroupedFolds
{
    public static int[] Assign(IReadOnlyList<string> groups, IReadOnlyList<string> classes, int folds, int seed)
    {
        if (folds < 2) throw new ArgumentOutOfRangeException(nameof(folds), "Cross-validation needs at least 2 folds.");
        var random = new Random(seed);
        var groupClass = new Dictionary<string, string>();
        for (int i = 0; i < groups.Count; i++) groupClass.TryAdd(groups[i], classes[i]);
        var ordered = groupClass.Keys.Order(StringComparer.Ordinal).ToArray();
        random.Shuffle(ordered);
        var foldOfGroup = new Dictionary<string, int>();
        int next = 0;
        foreach (var byClass in ordered.GroupBy(g => groupClass[g]).OrderBy(g => g.Key, StringComparer.Ordinal))
            foreach (var group in byClass)
                foldOfGroup[group] = next++ % folds;
        return groups.Select(g => foldOfGroup[g]).ToArray();
    }
}
