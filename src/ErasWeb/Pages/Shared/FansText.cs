using ErasWeb.Predictions;

namespace ErasWeb.Pages.Shared;

/// <summary>What fans said, in words: "3 fans say Reputation", "2 fans agree", "2 fans of 3 say Lover".</summary>
public static class FansText
{
    public static string Of(FansSay fans, string predictedClass)
    {
        string Fans(int n) => n == 1 ? "1 fan" : $"{n} fans";
        string of = fans.EraVotes == fans.TotalVotes ? "" : $" of {fans.TotalVotes}";
        bool one = fans.EraVotes == 1 && of.Length == 0;
        return fans.Agree(predictedClass)
            ? $"{Fans(fans.EraVotes)}{of} {(one ? "agrees" : "agree")}"
            : $"{Fans(fans.EraVotes)}{of} {(one ? "says" : "say")} {fans.Era}";
    }
}
