using ErasWeb.Localisation;
using ErasWeb.Predictions;
using Microsoft.Extensions.Localization;

namespace ErasWeb.Pages.Shared;

/// <summary>What fans said, in words: "3 fans say Reputation", "2 fans agree", "2 fans of 3 say Lover".</summary>
public static class FansText
{
    /// <summary>Its sentences (Resources/Pages/Shared/FansText.*.resx), in the reader's language: a helper views call, with nothing to inject.</summary>
    static readonly IStringLocalizer Localizer = Texts.For(typeof(FansText));

    /// <summary>
    /// One sentence for each case: agreeing or naming another era, by all voters or some of them, one fan or more,
    /// so each language words its own plural and verb agreement ({0} fans, {1} voters in all, {2} the era).
    /// </summary>
    public static string Of(FansSay fans, string predictedClass)
    {
        var key = (fans.Agree(predictedClass) ? "Agree" : "Say") + (fans.EraVotes == fans.TotalVotes ? "" : "Of") + (fans.EraVotes == 1 ? "One" : "Other");
        return Localizer[key, fans.EraVotes, fans.TotalVotes, fans.Era];
    }
}
