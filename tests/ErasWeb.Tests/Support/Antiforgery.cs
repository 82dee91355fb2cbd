using System.Text.RegularExpressions;

namespace ErasWeb.Tests.Support;

/// <summary>What a browser without JavaScript sends back with a form: the antiforgery token the page gave it.</summary>
public static partial class Antiforgery
{
    public static string TokenIn(string page) => Token().Match(page).Groups[1].Value;

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex Token();
}
