using System.Security.Cryptography;
using System.Text;
using ErasWeb.Storage;
using ErasWeb.Web;
using Microsoft.AspNetCore.DataProtection;

namespace ErasWeb.Fans;

/// <summary>Who gave a vote: a browser's or client's id, and the keyed hash of the address it came from.</summary>
public sealed record Voter(string Id, string Address);

/// <summary>
/// Who is voting, so each browser and each client address has one vote per prediction. A browser is
/// known by a random id the server gave it in a cookie, protected (encrypted and signed) so it cannot
/// be made up; anything else by its address. Addresses are kept only as keyed hashes that cannot be
/// turned back into them. Votes stay advisory: an admin decides what becomes a training label.
/// </summary>
public sealed class Voters(IDataProtectionProvider protection, StorageModule storage, IServiceProvider services, ClientIdentity clients)
{
    public const string Cookie = "erasweb_voter";
    readonly IDataProtector protector = protection.CreateProtector("ErasWeb.Voters");
    readonly Lazy<byte[]> addressKey = new(() => storage.Secret(services, "voters"));

    /// <summary>The voter a request comes from; with <paramref name="remember"/> a browser without a valid cookie is given one.</summary>
    public Voter Of(HttpContext http, bool remember)
    {
        // The address as the rate limits count it (an IPv6 client by its /64), so a new address costs what a new allowance does.
        var address = Convert.ToHexStringLower(HMACSHA256.HashData(addressKey.Value, Encoding.UTF8.GetBytes(clients.Of(http))))[..32];
        if (http.Request.Cookies.TryGetValue(Cookie, out var cookie) && Unprotect(cookie) is { } id) return new("browser:" + id, address);
        if (!remember) return new("client:" + address, address);
        id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        http.Response.Cookies.Append(Cookie, protector.Protect(id), new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            Secure = http.Request.IsHttps,
            IsEssential = true,
            MaxAge = TimeSpan.FromDays(365),
        });
        return new("browser:" + id, address);
    }

    string? Unprotect(string cookie)
    {
        try { return protector.Unprotect(cookie); }
        catch (CryptographicException) { return null; } // made up, or from keys this server no longer has
    }
}
