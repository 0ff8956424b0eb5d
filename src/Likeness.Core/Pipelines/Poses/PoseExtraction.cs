using Likeness.Imaging;
using Likeness.Imaging.Transforms;
using Likeness.Vision;
using Likeness.Vision.Pose;
using Likeness.Vision.Pose.Templates;

namespace Likeness.Pipelines.Poses;

/// <summary>What to extract: which people, and how to name the templates.</summary>
public sealed record PoseExtractionRequest
{
    /// <summary>Base id; with several people "-2", "-3"... are appended.</summary>
    public required string Id { get; init; }
    public string? Name { get; init; }
    public string Category { get; init; } = "standing";
    public IReadOnlyList<string> Tags { get; init; } = [];
    /// <summary>An explicit person region in pixels; overrides face-based person finding.</summary>
    public Rect? Box { get; init; }
    /// <summary>1-based person by face size (1 = the largest face); null = the largest, unless <see cref="All"/>.</summary>
    public int? Person { get; init; }
    /// <summary>Every person whose face is at least 40 % as wide as the largest (people in the background are skipped).</summary>
    public bool All { get; init; }
    public float MinScore { get; init; } = PoseTemplates.DefaultMinScore;
    public string? SourcePhoto { get; init; }
}

/// <summary>One person's result: the region searched, the raw pose, and the template or why there is none.</summary>
public sealed record ExtractedPose(int Person, Rect Region, BodyPose Pose, PoseTemplate? Template, string? Problem);

/// <summary>
/// `likeness pose extract`: real photos into pose templates. MoveNet is a single-person model, so each person is
/// cropped first: around their face (a body is about eight heads tall and its arms reach about two face widths out
/// on each side), or the region the user gives; a photo without faces is searched whole.
/// </summary>
public sealed class PoseExtraction(VisionEngine engine, IPoseEstimator estimator)
{
    public async Task<IReadOnlyList<ExtractedPose>> ExtractAsync(RgbaImage image, PoseExtractionRequest request, CancellationToken ct = default)
    {
        var regions = await RegionsAsync(image, request, ct);
        var results = new List<ExtractedPose>();
        foreach (var (person, region) in regions)
        {
            ct.ThrowIfCancellationRequested();
            var crop = region == new Rect(0, 0, image.Width, image.Height) ? image : image.Crop(region);
            var local = await estimator.EstimateAsync(crop, ct);
            float edge = Math.Max(2f, EdgeMargin * Math.Max(crop.Width, crop.Height));
            var pose = new BodyPose(local.Keypoints.Select(k => k with
            {
                X = k.X + region.X, Y = k.Y + region.Y,
                Score = AtEdge(k, crop.Width, crop.Height, edge) ? 0 : k.Score,
            }).ToArray(), local.ModelName);
            string id = regions.Count > 1 ? $"{request.Id}-{person}" : request.Id;
            var source = request.SourcePhoto is null ? null : new PoseSource(request.SourcePhoto, pose.ModelName, person);
            var template = PoseTemplates.From(pose, id, request.Name ?? Humanise(id), request.Category, request.MinScore, request.Tags, source);
            string? problem = template is null
                ? $"only {pose.ToOpenPose18().Count(k => k.Score >= request.MinScore)} of 18 joints are confident (need {PoseTemplates.MinVisibleKeypoints}): " +
                  "the person is too small, cut off or hidden; crop closer with --box or use a photo that shows more of the body"
                : null;
            results.Add(new ExtractedPose(person, region, pose, template, problem));
        }
        return results;
    }

    async Task<List<(int Person, Rect Region)>> RegionsAsync(RgbaImage image, PoseExtractionRequest request, CancellationToken ct)
    {
        var whole = new Rect(0, 0, image.Width, image.Height);
        if (request.Box is { } box)
        {
            var clipped = box.Intersect(whole);
            if (clipped.Width < 16 || clipped.Height < 16)
                throw new LikenessException($"--box {box.X},{box.Y},{box.Width},{box.Height} lies outside the {image.Width}x{image.Height} photo");
            return [(request.Person ?? 1, clipped)];
        }
        var faces = (await engine.Detector.DetectAsync(image, ct: ct)).OrderByDescending(f => f.Box.Width).ToList();
        if (faces.Count == 0)
        {
            if (request.Person > 1) throw new LikenessException($"person {request.Person} was asked for, but no face was found; give the person's region with --box X,Y,W,H");
            return [(1, whole)];
        }
        if (request.Person is { } n)
        {
            if (n < 1 || n > faces.Count) throw new LikenessException($"person {n} was asked for, but the photo shows {faces.Count} face(s)");
            return [(n, Around(faces[n - 1].Box, whole))];
        }
        if (!request.All) return [(1, Around(faces[0].Box, whole))];
        float largest = faces[0].Box.Width;
        return faces.Select((f, i) => (i + 1, f)).Where(x => x.f.Box.Width >= 0.4f * largest)
            .Select(x => (x.Item1, Around(x.f.Box, whole))).ToList();
    }

    /// <summary>
    /// MoveNet puts joints it cannot see (hips of a waist-up shot, a neighbour's elbow cut by the crop) on the border
    /// of its input, often with a fair score; a template must not keep them.
    /// </summary>
    public const float EdgeMargin = 0.015f;

    static bool AtEdge(PoseKeypoint k, int width, int height, float margin) =>
        k.X < margin || k.Y < margin || k.X > width - 1 - margin || k.Y > height - 1 - margin;

    static Rect Around(BoxF face, Rect whole)
    {
        float w = face.Width, h = face.Height;
        int left = (int)(face.CenterX - 2.6f * w), right = (int)(face.CenterX + 2.6f * w);
        int top = (int)(face.Y - 0.8f * h), bottom = (int)(face.Y + 9f * h);
        return Rect.FromEdges(left, top, right, bottom).Intersect(whole);
    }

    static string Humanise(string id)
    {
        var words = id.Replace('-', ' ').Trim();
        return words.Length == 0 ? id : char.ToUpperInvariant(words[0]) + words[1..];
    }
}
