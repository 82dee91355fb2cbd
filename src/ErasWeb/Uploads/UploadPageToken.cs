using Microsoft.AspNetCore.Antiforgery;
using Microsoft.Extensions.Options;

namespace ErasWeb.Uploads;

/// <summary>
/// The upload page's antiforgery token, checked when its field arrives. The page's forms are read as
/// streams (a video goes straight to disk, a night's photos too), so the token comes first and is checked
/// before any file: until it has been, the form counts against no one and nothing of it is kept.
/// </summary>
public sealed class UploadPageToken(IAntiforgery antiforgery, IOptions<AntiforgeryOptions> options)
{
    /// <summary>Whether the field is the form's valid token (a wrong one throws <see cref="AntiforgeryValidationException"/>); other fields say nothing.</summary>
    public async Task<bool> IsValidAsync(HttpContext http, string name, string value)
    {
        if (name != options.Value.FormFieldName || options.Value.HeaderName is not { } header) return false;
        http.Request.Headers[header] = value; // the token store reads the header and so leaves the body alone
        await antiforgery.ValidateRequestAsync(http);
        return true;
    }

    /// <summary>The refusal of a page's form whose file (or first photo) began before its token.</summary>
    public static AntiforgeryValidationException Missing(string before) => new($"no token before the {before}");
}
