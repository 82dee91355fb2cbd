using System.Security.Cryptography;
using System.Text;
using ErasWeb.Configuration;
using ErasWeb.Files;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace ErasWeb.Fans;

/// <summary>
/// Who is voting, so each browser or client has one vote per prediction. A browser is known by a
/// random id the server gave it in a cookie, protected (encrypted and signed) so it cannot be made
/// up; anything else by its address, as a keyed hash that cannot be turned back into the address.
/// Votes stay advisory: an admin decides what becomes a training label.
/// </summary>
public sealed class Voters(IDataProtectionProvider protection, IOptions<ErasOptions> options)
{
    public const string Cookie = "erasweb_voter";
    readonly IDataProtector protector = protection.CreateProtector("ErasWeb.Voters");
    readonly Lazy<byte[]> addressKey = new(() => LoadOrCreateKey(Path.Combine(options.Value.DataDirFullPath, "keys", "voters.key")));

    /// <summary>The voter a request comes from; with <paramref name="remember"/> a browser without a valid cookie is given one.</summary>
    public string Of(HttpContext http, bool remember)
    {
        if (http.Request.Cookies.TryGetValue(Cookie, out var cookie) && Unprotect(cookie) is { } id) return "browser:" + id;
        if (!remember)
            return "client:" + Convert.ToHexStringLower(HMACSHA256.HashData(addressKey.Value, Encoding.UTF8.GetBytes($"{http.Connection.RemoteIpAddress}")))[..32];
        id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        http.Response.Cookies.Append(Cookie, protector.Protect(id), new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            Secure = http.Request.IsHttps,
            IsEssential = true,
            MaxAge = TimeSpan.FromDays(365),
        });
        return "browser:" + id;
    }

    string? Unprotect(string cookie)
    {
        try { return protector.Unprotect(cookie); }
        catch (CryptographicException) { return null; } // made up, or from keys this server no longer has
    }

    static byte[] LoadOrCreateKey(string path)
    {
        if (File.Exists(path)) return File.ReadAllBytes(path);
        AtomicFile.WriteAllBytes(path, RandomNumberGenerator.GetBytes(32));
        return File.ReadAllBytes(path);
    }
}
