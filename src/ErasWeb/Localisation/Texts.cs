using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ErasWeb.Localisation;

/// <summary>
/// The sentences shared beyond one page: problem titles, why an upload was refused, and the like
/// (Resources/Localisation/Texts.*.resx). A page's own words are in that page's resources.
/// </summary>
public sealed class Texts
{
    public const string ResourcesPath = "Resources";

    // Before the localizers below: static fields are set in the order they are written.
    static readonly ResourceManagerStringLocalizerFactory Factory =
        new(Options.Create(new LocalizationOptions { ResourcesPath = ResourcesPath }), NullLoggerFactory.Instance);

    /// <summary>
    /// For code that runs where no localizer is injected (a domain failure, deep in a service): the
    /// same resources, in the current UI culture, which request localisation sets from the reader's choice.
    /// </summary>
    public static IStringLocalizer Localizer { get; } = For(typeof(Texts));

    /// <summary>A localizer of <paramref name="type"/>'s own resources, as the one injected would read them, for a static helper.</summary>
    public static IStringLocalizer For(Type type) => Factory.Create(type);

    /// <summary>The sentence under <paramref name="key"/>, its placeholders filled in the current culture.</summary>
    public static string Say(string key, params object[] arguments) => Localizer[key, arguments];
}
