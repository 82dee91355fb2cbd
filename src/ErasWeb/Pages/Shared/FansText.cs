using ErasWeb.Predictions;

namespace ErasWeb.Pages.Shared;

/// <summary>What fans said, in words: "3 fans say Reputation", "2 fans agree".</summary>
public static class FansText
{
    public static string Of(FansSay fans, string predictedClass)
    {
        string Fans(int n) => n == 1 ? "1 fan" : $"{n} fans";
        if (fans.Agree(predictedClass))
            return fans.Votes == fans.TotalVotes ? $"{Fans(fans.Votes)} {(fans.Votes == 1 ? "agrees" : "agree")}" : $"{Fans(fans.Votes)} of {fans.TotalVotes} agree";
        return $"{Fans(fans.Votes)} {(fans.Votes == 1 ? "says" : "say")} {fans.Era}" + (fans.Votes == fans.TotalVotes ? "" : $" ({fans.TotalVotes} voted)");
    }
}
