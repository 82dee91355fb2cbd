using ErasWeb.Classification;
using ErasWeb.Tests.Support;
using ErasWeb.Training;

namespace ErasWeb.Tests.Classification;

public class UncertaintyTests
{
    [Fact]
    public void Low_similarity_to_every_prototype_or_low_confidence_makes_an_answer_uncertain()
    {
        var check = new UncertaintyCheck(new UncertaintyRule(0.3f, 0.8f, [[1, 0, 0], [0, 1, 0]], "test"));

        Assert.Null(check.Reason([2, 0.5f, 0], 0.9f));                                  // like the first prototype, sure
        Assert.Equal(UncertainReasons.Unfamiliar(), check.Reason([0, 0, 1], 0.9f));     // like neither
        Assert.Equal(UncertainReasons.LowConfidence(0.25f, 0.3f), check.Reason([0, 3, 0.2f], 0.25f));
        Assert.Equal(1f, check.Similarity([0, 5, 0]), 5);
    }

    [Fact]
    public void The_committed_head_gives_no_non_concert_picture_a_confident_era()
    {
        var classifier = TestData.Classifier.Value;
        var answers = NonConcertImages.Generate().Select(g =>
        {
            using (g.Image) return (g.Name, Prediction: classifier.Classify(g.Image));
        }).ToList();
        foreach (var sanity in new[] { "cat.bmp", "hot_dog.jpg" })
        {
            using var image = Images.Load(Path.Combine(TestData.SanityDir, sanity));
            answers.Add((sanity, classifier.Classify(image)));
        }

        Assert.True(answers.Count >= 48);
        Assert.Contains(answers, a => a.Name.StartsWith("crowd-lights"));
        var confident = answers.Where(a => !a.Prediction.Uncertain).Select(a => $"{a.Name}: {a.Prediction.Era} {a.Prediction.Confidence:0.00}").ToList();
        Assert.True(confident.Count == 0, $"confident on: {string.Join(", ", confident)}");
    }

    [Fact]
    public void The_committed_head_answers_nearly_all_shared_stage_photos_with_confidence()
    {
        var classifier = TestData.Classifier.Value;
        var stage = LabelledPhotos.Load(TestData.PhotosDir).Where(p => p.Kind == LabelledPhotos.StagePhoto).ToList();
        var uncertain = stage.Where(p =>
        {
            using var photo = Images.Load(p.Path);
            return classifier.Classify(photo).Uncertain;
        }).Select(p => p.RelativePath).ToList();

        Assert.Equal(10, classifier.Head.File.Uncertainty!.Prototypes.Length);
        Assert.True(uncertain.Count <= stage.Count / 10, $"uncertain on: {string.Join(", ", uncertain)}");
    }
}
