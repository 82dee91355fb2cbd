using System.Security.Cryptography;
using System.Text;

namespace ErasWeb.Fans;

/// <summary>
/// Who is voting, so each browser or client has one vote per prediction: a browser by a random id
/// in a long-lived cookie (set on its first vote from a page), a client that keeps no cookies by a
/// hash of its address and user agent (never stored in the clear).
/// </summary>
public static class Voters
{
    public const string Cookie = "erasweb_voter";

    /// <summary>The voter a request comes from; with <paramref name="remember"/> a browser without the cookie is given one.</summary>
    public static string Of(HttpContext http, bool remember)
    {
        if (http.Request.Cookies.TryGetValue(Cookie, out var id) && IsId(id)) return "browser:" + id;
        if (remember)
        {
            id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            http.Response.Cookies.Append(Cookie, id, new CookieOptions
            {
                HttpOnly = true,
                SameSite = SameSiteMode.Lax,
                Secure = http.Request.IsHttps,
                IsEssential = true,
                MaxAge = TimeSpan.FromDays(365),
            });
            return "browser:" + id;
        }
        var client = $"{http.Connection.RemoteIpAddress}|{http.Request.Headers.UserAgent}";
        return "client:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(client)))[..32];
    }

    static bool IsId(string? id) => id is { Length: 32 } && id.All(Uri.IsHexDigit);
}
