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
/// cropped first: around their face (a body is about eight heads tall, its arms reach past two face widths on each side
/// and two face heights above the head; a crop that cuts limbs off is widened around the joints found), or the region the user gives; a photo without faces is searched whole.
/// </summary>
public sealed class PoseExtraction(VisionEngine engine, IPoseEstimator estimator)
{
    public async Task<IReadOnlyList<ExtractedPose>> ExtractAsync(RgbaImage image, PoseExtractionRequest request, CancellationToken ct = default)
    {
        var (regions, faceCentres) = await RegionsAsync(image, request, ct);
        var others = regions.ToDictionary(r => r.Person, r => (IReadOnlyList<System.Numerics.Vector2>)faceCentres.Where(c => !r.Region.Contains((int)c.X, (int)c.Y)).ToList());
        var results = new List<ExtractedPose>();
        foreach (var (person, first) in regions)
        {
            ct.ThrowIfCancellationRequested();
            var region = first;
            var (pose, border) = await EstimateInAsync(image, region, ct);
            // A guessed region can cut off a limb (a golf swing reaches far past a small face): when confident joints
            // sit on the crop's border, widen the crop around what was found and look again, once.
            if (request.Box is null && Widened(image, region, pose, border, request.MinScore, others[person]) is { } wider)
                (region, (pose, _)) = (wider, await EstimateInAsync(image, wider, ct));
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

    /// <summary>The pose in image coordinates with border joints scored 0, and those border joints as MoveNet gave them.</summary>
    async Task<(BodyPose Pose, IReadOnlyList<PoseKeypoint> Border)> EstimateInAsync(RgbaImage image, Rect region, CancellationToken ct)
    {
        var crop = region == new Rect(0, 0, image.Width, image.Height) ? image : image.Crop(region);
        var local = await estimator.EstimateAsync(crop, ct);
        float edge = Math.Max(2f, EdgeMargin * Math.Max(crop.Width, crop.Height));
        var placed = local.Keypoints.Select(k => k with { X = k.X + region.X, Y = k.Y + region.Y }).ToArray();
        var atEdge = local.Keypoints.Select(k => AtEdge(k, crop.Width, crop.Height, edge)).ToArray();
        var pose = new BodyPose(placed.Select((k, i) => atEdge[i] ? k with { Score = 0 } : k).ToArray(), local.ModelName);
        return (pose, placed.Where((_, i) => atEdge[i]).ToList());
    }

    /// <summary>
    /// A larger region when confident joints lie on the border of this one (and the photo goes on past it), else null;
    /// never one that takes in another person's face (MoveNet would then pick either of them).
    /// </summary>
    static Rect? Widened(RgbaImage image, Rect region, BodyPose pose, IReadOnlyList<PoseKeypoint> border, float minScore, IReadOnlyList<System.Numerics.Vector2> otherFaces)
    {
        var onBorder = border.Where(k => k.Score >= minScore).ToList();
        if (onBorder.Count == 0) return null;
        var found = pose.Keypoints.Where(k => k.Score >= minScore).Concat(onBorder).ToList();
        float x0 = found.Min(k => k.X), x1 = found.Max(k => k.X), y0 = found.Min(k => k.Y), y1 = found.Max(k => k.Y);
        float grow = Math.Max(y1 - y0, x1 - x0) * 0.5f;
        var wider = Rect.FromEdges((int)Math.Min(region.X, x0 - grow), (int)Math.Min(region.Y, y0 - grow),
            (int)Math.Max(region.Right, x1 + grow), (int)Math.Max(region.Bottom, y1 + grow)).Intersect(new Rect(0, 0, image.Width, image.Height));
        if (otherFaces.Any(f => wider.Contains((int)f.X, (int)f.Y) && !region.Contains((int)f.X, (int)f.Y))) return null;
        return wider.Width * (long)wider.Height > 1.1 * region.Width * (long)region.Height ? wider : null;
    }

    async Task<(List<(int Person, Rect Region)>, List<System.Numerics.Vector2>)> RegionsAsync(RgbaImage image, PoseExtractionRequest request, CancellationToken ct)
    {
        var faces = (await engine.Detector.DetectAsync(image, ct: ct)).OrderByDescending(f => f.Box.Width).ToList();
        var centres = faces.Select(f => new System.Numerics.Vector2(f.Box.CenterX, f.Box.CenterY)).ToList();
        return (PersonRegions(image, request, faces), centres);
    }

    static List<(int Person, Rect Region)> PersonRegions(RgbaImage image, PoseExtractionRequest request, List<Vision.Faces.DetectedFace> faces)
    {
        var whole = new Rect(0, 0, image.Width, image.Height);
        if (request.Box is { } box)
        {
            var clipped = box.Intersect(whole);
            if (clipped.Width < 16 || clipped.Height < 16)
                throw new LikenessException($"--box {box.X},{box.Y},{box.Width},{box.Height} lies outside the {image.Width}x{image.Height} photo");
            return [(request.Person ?? 1, clipped)];
        }
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
        // Narrow on purpose (neighbours in group photos); limbs reaching further are found by widening around the joints.
        int left = (int)(face.CenterX - 2.6f * w), right = (int)(face.CenterX + 2.6f * w);
        // Hands raised above the head (a golf swing, a wave) reach about two face heights above the face box.
        int top = (int)(face.Y - 2.2f * h), bottom = (int)(face.Y + 9f * h);
        return Rect.FromEdges(left, top, right, bottom).Intersect(whole);
    }

    static string Humanise(string id)
    {
        var words = id.Replace('-', ' ').Trim();
        return words.Length == 0 ? id : char.ToUpperInvariant(words[0]) + words[1..];
    }
}
