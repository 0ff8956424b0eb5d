using System.Text.RegularExpressions;

namespace Likeness.Models;

/// <summary>
/// The list of known models, parsed from the embedded <c>models.tsv</c> (the single source of truth)
/// or from an override file with the same columns.
/// </summary>
public sealed partial class ModelManifest
{
    public const string ResourceName = "Likeness.Models.models.tsv";

    static readonly string[] RequiredColumns =
    [
        "name", "capability", "default", "file", "bytes", "sha256", "licence", "licence_class",
        "upstream_url", "npm_package", "npm_resource", "input", "preprocessing", "outputs",
    ];

    static readonly Lazy<ModelManifest> embedded = new(LoadEmbedded);
    readonly Dictionary<string, ModelInfo> byName;

    ModelManifest(IReadOnlyList<ModelInfo> models)
    {
        Models = models;
        byName = models.ToDictionary(m => m.Name, StringComparer.Ordinal);
    }

    /// <summary>The manifest shipped inside Likeness.Core.</summary>
    public static ModelManifest Embedded => embedded.Value;

    public IReadOnlyList<ModelInfo> Models { get; }

    public IReadOnlyList<string> Capabilities => Models.Select(m => m.Capability).Distinct().ToList();

    public IEnumerable<ModelInfo> Defaults => Models.Where(m => m.IsDefault);

    public bool TryGet(string name, out ModelInfo model) => byName.TryGetValue(name, out model!);

    /// <summary>The model called <paramref name="name"/>; throws <see cref="ArgumentException"/> naming the known models.</summary>
    public ModelInfo Get(string name) => TryGet(name, out var model)
        ? model
        : throw new ArgumentException(
            $"Unknown model '{name}'. Known models: {string.Join(", ", byName.Keys)}. Run `likeness models list` to see them.",
            nameof(name));

    public IEnumerable<ModelInfo> ByCapability(string capability) => Models.Where(m => m.Capability == capability);

    public ModelInfo? DefaultFor(string capability) => ByCapability(capability).FirstOrDefault(m => m.IsDefault);

    /// <summary>Models named explicitly, plus every model (<paramref name="all"/>) or every default; order of the manifest, no duplicates.</summary>
    public IReadOnlyList<ModelInfo> Select(IEnumerable<string> names, bool all = false, bool defaults = false)
    {
        var named = names.Select(Get).ToHashSet();
        return Models.Where(m => all || named.Contains(m) || (defaults && m.IsDefault)).ToList();
    }

    public static ModelManifest Load(string path) => Parse(File.ReadAllText(path), path);

    public static ModelManifest Parse(string tsv, string sourceName = "models.tsv")
    {
        var lines = tsv.ReplaceLineEndings("\n").Split('\n');
        var header = lines[0].Split('\t');
        var missing = RequiredColumns.Except(header).ToList();
        if (missing.Count > 0)
            throw new InvalidDataException($"{sourceName}: missing column(s) {string.Join(", ", missing)}; the header must name {string.Join(", ", RequiredColumns)}.");
        var column = header.Select((h, i) => (h, i)).ToDictionary(p => p.h, p => p.i);

        var models = new List<ModelInfo>();
        for (var i = 1; i < lines.Length; i++)
        {
            if (lines[i].Length == 0) continue;
            var cells = lines[i].Split('\t');
            if (cells.Length != header.Length)
                throw Error(sourceName, i, $"has {cells.Length} cells, the header has {header.Length}");
            models.Add(ParseRow(name => cells[column[name]].Trim(), sourceName, i));
        }
        Validate(models, sourceName);
        return new ModelManifest(models);
    }

    static ModelInfo ParseRow(Func<string, string> cell, string source, int line)
    {
        var name = cell("name");
        if (!NamePattern().IsMatch(name)) throw Error(source, line, $"name '{name}' must be lower-case letters, digits, '.', '-'");
        var file = cell("file");
        if (!NpmResource.IsSafeRelativePath(file)) throw Error(source, line, $"file '{file}' must be a relative '/'-separated path without '..'");
        if (!long.TryParse(cell("bytes"), out var bytes) || bytes <= 0) throw Error(source, line, $"bytes '{cell("bytes")}' must be a positive integer");
        var sha = cell("sha256");
        if (!ShaPattern().IsMatch(sha)) throw Error(source, line, $"sha256 '{sha}' must be 64 lower-case hex digits");
        var licence = cell("licence");
        if (licence.Length == 0) throw Error(source, line, "licence is empty; state the licence, or 'no licence stated'");
        if (!LicenceClassText.TryParse(cell("licence_class"), out var licenceClass))
            throw Error(source, line, $"licence_class '{cell("licence_class")}' must be permissive, noncommercial, agpl or unclear");
        var isDefault = cell("default") switch
        {
            "yes" => true,
            "" => false,
            var other => throw Error(source, line, $"default '{other}' must be 'yes' or empty"),
        };

        Uri? upstream = null;
        if (cell("upstream_url") is { Length: > 0 } url
            && (!Uri.TryCreate(url, UriKind.Absolute, out upstream) || upstream.Scheme is not ("https" or "http")))
            throw Error(source, line, $"upstream_url '{url}' must be an absolute http(s) URL");

        var npmPackage = cell("npm_package") is { Length: > 0 } p ? p : null;
        NpmResource? npmResource = null;
        if (npmPackage is not null && !NpmResource.TryParse(cell("npm_resource"), out npmResource))
            throw Error(source, line, $"npm_resource '{cell("npm_resource")}' must be 'file:<path in package>' or 'chunks:<resources.json key>'");

        return new ModelInfo(name, cell("capability"), isDefault, file, bytes, sha, licence, licenceClass,
            upstream, npmPackage, npmResource, cell("input"), cell("preprocessing"), cell("outputs"));
    }

    static void Validate(List<ModelInfo> models, string source)
    {
        if (models.GroupBy(m => m.Name).FirstOrDefault(g => g.Count() > 1) is { } duplicate)
            throw new InvalidDataException($"{source}: model name '{duplicate.Key}' appears more than once; names must be unique.");
        if (models.FirstOrDefault(m => m.IsDefault && m.LicenceClass == LicenceClass.NonCommercial) is { } nc)
            throw new InvalidDataException($"{source}: '{nc.Name}' is non-commercial and must not be a default; clear its default cell.");
        if (models.Where(m => m.IsDefault).GroupBy(m => m.Capability).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new InvalidDataException($"{source}: capability '{twice.Key}' has several defaults ({string.Join(", ", twice.Select(m => m.Name))}); keep one.");
    }

    static InvalidDataException Error(string source, int lineIndex, string problem) =>
        new($"{source} line {lineIndex + 1}: {problem}.");

    static ModelManifest LoadEmbedded()
    {
        using var stream = typeof(ModelManifest).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"Embedded resource {ResourceName} is missing from Likeness.Core; check the EmbeddedResource item in Likeness.Core.csproj.");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd(), ResourceName);
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9.-]*$")]
    private static partial Regex NamePattern();

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex ShaPattern();
}
