using System.Text.Json;
using System.Text.Json.Serialization;

namespace Likeness.Pipelines.Themes;

/// <summary>Where on the photo a theme changes things; each is a mask from the local engine.</summary>
public enum ThemeRegion
{
    /// <summary>Clothes from the skin/clothes/hair parser.</summary>
    Clothes,
    /// <summary>Hair from the parser (hats, turbans).</summary>
    Hair,
    /// <summary>Hair, the neck below the chin and a band around the face: what a hijab covers.</summary>
    HeadCovering,
    /// <summary>Everything that is not the person (matting).</summary>
    Background,
    /// <summary>A band over both eyes (from the face's eye keypoints).</summary>
    Eyes,
    /// <summary>Neck and collarbone below the chin.</summary>
    Neck,
    /// <summary>Around both wrists (body pose).</summary>
    Wrists,
    /// <summary>Around the lower hand, reaching down (a held bag).</summary>
    Hand,
}

/// <summary>A theme: what to put on the person (or behind them), where, in a provider inpaint prompt.</summary>
public sealed record Theme(string Id, string Name, string Kind, IReadOnlyList<ThemeRegion> Regions, string Prompt);

/// <summary>The bundled theme catalogue (hijab styles, accessories, outfits, professions, backgrounds), versioned JSON.</summary>
public static class ThemeCatalog
{
    public const string Format = "likeness-themes";
    public const int Version = 1;
    public static IReadOnlyList<string> Kinds { get; } = ["head-covering", "accessory", "outfit", "profession", "background"];

    static readonly Lazy<IReadOnlyList<Theme>> Bundled = new(Load);

    public static IReadOnlyList<Theme> Themes => Bundled.Value;

    public static Theme Get(string id) => Themes.FirstOrDefault(t => t.Id == id)
        ?? throw new LikenessException($"no theme '{id}'; `likeness theme list` shows the {Themes.Count} themes");

    static IReadOnlyList<Theme> Load()
    {
        using var stream = typeof(ThemeCatalog).Assembly.GetManifestResourceStream("Likeness.Themes.themes.json")
            ?? throw new InvalidOperationException("the bundled theme catalogue is missing from the assembly");
        var file = JsonSerializer.Deserialize<CatalogueFile>(stream, Json) ?? throw new InvalidOperationException("the theme catalogue is empty");
        if (file.Format != Format || file.Version > Version) throw new InvalidOperationException($"the theme catalogue is not a {Format} v{Version} file");
        var ids = file.Themes.GroupBy(t => t.Id).FirstOrDefault(g => g.Count() > 1);
        if (ids is not null) throw new InvalidOperationException($"theme '{ids.Key}' appears twice");
        return file.Themes;
    }

    static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    sealed record CatalogueFile(string Format, int Version, List<Theme> Themes);
}
