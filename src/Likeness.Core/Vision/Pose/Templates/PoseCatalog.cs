using System.Numerics;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Likeness.Vision.Pose.Templates;

/// <summary>
/// A versioned set of pose templates stored as JSON (<c>{"format": "likeness-poses", "version": 1, "layout":
/// "openpose-18", "poses": [...]}</c>, keypoints as [x, y] or null). The bundled catalogue was extracted from real
/// photos with <c>likeness pose extract</c>; users keep their own in the same format.
/// </summary>
public sealed class PoseCatalog
{
    public const string Format = "likeness-poses";
    public const int Version = 1;
    public const string Layout = "openpose-18";

    public static IReadOnlyList<string> Categories { get; } =
        ["standing", "sitting", "walking", "business", "casual", "fashion", "sport", "gestures"];

    readonly List<PoseTemplate> _poses;

    public PoseCatalog(IEnumerable<PoseTemplate> poses, int catalogueVersion = 1)
    {
        _poses = poses.ToList();
        CatalogueVersion = catalogueVersion;
        var duplicate = _poses.GroupBy(p => p.Id).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new LikenessException($"pose catalogue: id '{duplicate.Key}' appears {duplicate.Count()} times");
    }

    /// <summary>The catalogue's own revision (bumped when poses change), next to the file format's version.</summary>
    public int CatalogueVersion { get; }
    public IReadOnlyList<PoseTemplate> Poses => _poses;

    /// <summary>The catalogue shipped with Likeness.</summary>
    public static PoseCatalog Bundled => BundledCatalog.Value;

    static readonly Lazy<PoseCatalog> BundledCatalog = new(LoadBundled);

    /// <summary>A pose by id; "ID-mirrored" gives the mirror image of pose ID.</summary>
    public PoseTemplate? Find(string id)
    {
        var found = _poses.FirstOrDefault(p => p.Id == id);
        if (found is null && id.EndsWith("-mirrored")) found = _poses.FirstOrDefault(p => p.Id == id[..^9])?.Mirrored();
        return found;
    }

    public PoseTemplate Get(string id) => Find(id)
        ?? throw new LikenessException($"no pose '{id}' in the catalogue; `likeness pose list` shows the {_poses.Count} poses");

    /// <summary>
    /// The first <paramref name="count"/> poses (of one category, or all), then their mirror images when more are
    /// wanted; refuses a count beyond that with what there is.
    /// </summary>
    public IReadOnlyList<PoseTemplate> Take(int count, string? category = null, int max = 100)
    {
        if (count < 1 || count > max) throw new LikenessException($"the pose count must be 1..{max}");
        if (category is not null && !Categories.Contains(category))
            throw new LikenessException($"unknown category '{category}'; use one of: {string.Join(", ", Categories)}");
        var pool = _poses.Where(p => category is null || p.Category == category).ToList();
        var withMirrors = pool.Concat(pool.Select(p => p.Mirrored())).ToList();
        if (count > withMirrors.Count)
            throw new LikenessException($"the catalogue has {pool.Count} {category ?? ""} poses ({withMirrors.Count} with their mirror images); ask for at most that many or add your own");
        return withMirrors.Take(count).ToList();
    }

    public PoseCatalog With(IEnumerable<PoseTemplate> added) =>
        new(_poses.Where(p => added.All(a => a.Id != p.Id)).Concat(added), CatalogueVersion);

    public static PoseCatalog Load(string path)
    {
        if (!File.Exists(path)) throw new LikenessException($"pose catalogue {path} does not exist");
        using var stream = File.OpenRead(path);
        return Read(stream, path);
    }

    public void Save(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temp = path + ".partial";
        File.WriteAllText(temp, ToJson());
        File.Move(temp, path, overwrite: true);
    }

    public string ToJson() => JsonSerializer.Serialize(new CatalogueFile(Format, Version, CatalogueVersion, Layout,
        _poses.Select(PoseEntry.From).ToList()), Json);

    /// <summary>One template in the catalogue's entry format (as in the "poses" array), e.g. to send a custom pose to the API.</summary>
    public static JsonElement ToEntry(PoseTemplate pose) => JsonSerializer.SerializeToElement(PoseEntry.From(pose), Json);

    /// <summary>A template from one catalogue entry, validated; the problem is named when it is not usable.</summary>
    public static PoseTemplate FromEntry(JsonElement entry)
    {
        PoseEntry? parsed;
        try { parsed = entry.Deserialize<PoseEntry>(Json); }
        catch (JsonException e) { throw new LikenessException($"the pose is not a pose catalogue entry: {e.Message}"); }
        var pose = parsed?.ToTemplate() ?? throw new LikenessException("the pose is empty");
        if (pose.Validate() is { Count: > 0 } problems) throw new LikenessException($"pose '{pose.Id}': {string.Join("; ", problems)}");
        return pose;
    }

    static PoseCatalog Read(Stream stream, string name)
    {
        CatalogueFile? file;
        try { file = JsonSerializer.Deserialize<CatalogueFile>(stream, Json); }
        catch (JsonException e) { throw new LikenessException($"pose catalogue {name} is not valid JSON: {e.Message}"); }
        if (file is null || file.Format != Format)
            throw new LikenessException($"pose catalogue {name}: not a {Format} file (its \"format\" is '{file?.Format}')");
        if (file.Version > Version)
            throw new LikenessException($"pose catalogue {name} has format version {file.Version}; this Likeness reads up to {Version} (update Likeness)");
        if (file.Layout != Layout) throw new LikenessException($"pose catalogue {name}: keypoint layout '{file.Layout}', expected '{Layout}'");
        var poses = (file.Poses ?? []).Select(p => p.ToTemplate()).ToList();
        foreach (var pose in poses)
            if (pose.Validate() is { Count: > 0 } problems)
                throw new LikenessException($"pose catalogue {name}: pose '{pose.Id}': {string.Join("; ", problems)}");
        return new PoseCatalog(poses, file.CatalogueVersion);
    }

    static PoseCatalog LoadBundled()
    {
        using var stream = typeof(PoseCatalog).Assembly.GetManifestResourceStream("Likeness.Poses.poses.json")
            ?? throw new InvalidOperationException("the bundled pose catalogue is missing from the assembly");
        return Read(stream, "(bundled)");
    }

    static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    sealed record CatalogueFile(string Format, int Version, int CatalogueVersion, string Layout, List<PoseEntry>? Poses);

    sealed record PoseEntry(string Id, string Name, string Category, PoseDifficulty Difficulty, PoseFraming Framing,
        IReadOnlyList<string>? Tags, float Aspect, float[]?[] Keypoints, PoseSource? Source)
    {
        public static PoseEntry From(PoseTemplate t) => new(t.Id, t.Name, t.Category, t.Difficulty, t.Framing, t.Tags,
            MathF.Round(t.Aspect, 4), t.Keypoints.Select(k => k is { } p ? new[] { MathF.Round(p.X, 4), MathF.Round(p.Y, 4) } : null).ToArray(), t.Source);

        public PoseTemplate ToTemplate() => new()
        {
            Id = Id, Name = Name, Category = Category, Difficulty = Difficulty, Framing = Framing, Tags = Tags ?? [], Aspect = Aspect,
            Keypoints = (Keypoints ?? []).Select(k => k is [var x, var y] ? new Vector2(x, y) : (Vector2?)null).ToArray(),
            Source = Source,
        };
    }
}
