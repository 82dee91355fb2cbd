namespace ErasWeb.Tests.Training;

/// <summary>Tests that extract training features share one feature cache; run them one after another so each feature is computed once.</summary>
[CollectionDefinition(Collection)]
public sealed class TrainingFeatures
{
    public const string Collection = "Training features";
}
