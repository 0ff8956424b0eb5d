using System.Numerics;
using Likeness.Imaging;
using Likeness.Imaging.Filters;
using Likeness.Vision;
using Likeness.Vision.Faces;
using Likeness.Vision.Parsing;
using Likeness.Vision.Pose;

namespace Likeness.Pipelines.Themes;

/// <summary>The masks of one photo: each region, the protected face, and the theme's combined mask (1 = may change).</summary>
public sealed record ThemeMaskSet(DetectedFace Face, IReadOnlyDictionary<ThemeRegion, FloatPlane> Regions, FloatPlane FaceProtection, FloatPlane Combined)
{
    /// <summary>Share of the image the combined mask lets the provider change.</summary>
    public double Coverage => Combined.Data.Average();
}

/// <summary>
/// Builds a theme's edit mask from the local engine: clothes and hair from the skin/clothes/hair parser, the person from
/// matting, eyes from the face keypoints, wrists and hands from the body pose. The face itself (an ellipse from brow to
/// chin) is always cut out of the mask, so the provider never repaints it: the identity is kept by construction and
/// checked by the theme gate.
/// </summary>
public sealed class ThemeMasks(VisionEngine engine)
{
    readonly SkinClothesHairParser _parser = new(engine.Sessions);

    public async Task<ThemeMaskSet> BuildAsync(RgbaImage image, Theme theme, CancellationToken ct = default)
    {
        var faces = await engine.Detector.DetectAsync(image, ct: ct);
        var face = faces.FirstOrDefault()
            ?? throw new LikenessException("no face found: a theme is applied to a photo of a person whose face is visible");
        var others = faces.Skip(1).Where(f => f.Box.Area >= 0.25f * face.Box.Area).ToList();
        if (others.Count > 0 && theme.Regions.Contains(ThemeRegion.Background))
            throw new LikenessException($"the photo shows {others.Count + 1} people; a new background would paint over the others. " +
                "Crop the photo to one person first (or use `likeness compose --background`)");
        var regions = new Dictionary<ThemeRegion, FloatPlane>();
        SkinClothesHairMasks? parsed = null;
        FloatPlane? person = null;
        BodyPose? body = null;
        async Task<SkinClothesHairMasks> Parsed() => parsed ??= await _parser.ParseAsync(image, ct);
        async Task<FloatPlane> Person() => person ??= (await engine.Matting(theme.Regions.Contains(ThemeRegion.Background) ? "quality" : "fast").MatteAsync(image, ct)).Alpha;
        async Task<BodyPose> Body() => body ??= await (await PoseEstimators.DefaultAsync(engine.Sessions, null, ct)).EstimateAsync(image, ct);

        float unit = face.Box.Width; // sizes relative to the face, so masks scale with the person
        foreach (var region in theme.Regions.Distinct())
        {
            ct.ThrowIfCancellationRequested();
            regions[region] = region switch
            {
                ThemeRegion.Clothes => (await Parsed()).Clothes.Threshold(0.5f).Dilate(Radius(unit, 0.06f)),
                ThemeRegion.Hair => (await Parsed()).Hair.Threshold(0.5f).Dilate(Radius(unit, 0.08f)),
                ThemeRegion.HeadCovering => Union(
                    (await Parsed()).Hair.Threshold(0.5f).Dilate(Radius(unit, 0.1f)),
                    Intersect(Neck(image, face), await Person()),
                    Intersect(Ellipse(image, face.Box.CenterX, face.Box.CenterY - 0.1f * face.Box.Height, 0.85f * unit, 0.95f * face.Box.Height), await Person())),
                ThemeRegion.Background => Invert((await Person()).Threshold(0.5f).Dilate(Radius(unit, 0.02f))),
                ThemeRegion.Eyes => EyeBand(image, face),
                ThemeRegion.Neck => Intersect(Neck(image, face), await Person()),
                ThemeRegion.Wrists => Disks(image, Wrists(await Body()), 0.35f * unit),
                ThemeRegion.Hand => Disks(image, LowerHand(await Body()), 0.9f * unit),
                _ => throw new ArgumentOutOfRangeException(nameof(theme), region, "unknown theme region"),
            };
        }
        var protection = FaceProtection(image, face, theme);
        // Everything but the background belongs to this person: the parser also labels other people's clothes and hair, and
        // hair-like texture in the scene, so the regions are kept to the person's matte (grown a little: a hijab or a hat
        // reaches past the hair) and to the column the person can occupy.
        var column = PersonColumn(image, face, others);
        var owned = regions.Keys.Where(r => r != ThemeRegion.Background).ToList();
        var silhouette = owned.Count > 0 ? (await Person()).Threshold(0.5f).Dilate(Radius(unit, 0.15f)) : null;
        foreach (var region in owned)
            regions[region] = Intersect(Intersect(regions[region], column), silhouette!);
        var combined = new FloatPlane(image.Width, image.Height);
        foreach (var mask in regions.Values)
            for (int i = 0; i < combined.Data.Length; i++) combined.Data[i] = Math.Max(combined.Data[i], mask.Data[i]);
        // Feather first, then cut the face out: the feather must not reach into the face.
        combined = combined.Feather(Math.Max(2f, 0.04f * unit));
        for (int i = 0; i < combined.Data.Length; i++) combined.Data[i] *= 1 - protection.Data[i];
        return new ThemeMaskSet(face, regions, protection, combined);
    }

    /// <summary>Where this person's body can be: about 2.6 face widths to each side of the face, from above the head down.</summary>
    static FloatPlane PersonColumn(RgbaImage image, DetectedFace face, IReadOnlyList<DetectedFace> others)
    {
        var mask = new FloatPlane(image.Width, image.Height);
        var b = face.Box;
        int left = (int)(b.CenterX - 2.6f * b.Width), right = (int)(b.CenterX + 2.6f * b.Width);
        // Side by side with others, each column of pixels belongs to the nearest face (in its own face widths).
        float Distance(DetectedFace f, int x) => Math.Abs(x - f.Box.CenterX) / f.Box.Width;
        while (left < b.CenterX && others.Any(o => Distance(o, left) < Distance(face, left))) left++;
        while (right > b.CenterX && others.Any(o => Distance(o, right) < Distance(face, right))) right--;
        Fill(mask, left, (int)(b.Y - 0.8f * b.Height), right, image.Height);
        return mask;
    }

    static int Radius(float unit, float share) => Math.Max(1, (int)MathF.Round(unit * share));

    /// <summary>
    /// The face from brow to chin (an ellipse on the detector box). Sunglasses may cover the eyes, so for an eyes-only
    /// theme only the lower face and the eye band's outside are protected.
    /// </summary>
    static FloatPlane FaceProtection(RgbaImage image, DetectedFace face, Theme theme)
    {
        var ellipse = Ellipse(image, face.Box.CenterX, face.Box.CenterY + 0.05f * face.Box.Height, 0.42f * face.Box.Width, 0.5f * face.Box.Height);
        if (!theme.Regions.Contains(ThemeRegion.Eyes)) return ellipse;
        var eyes = EyeBand(image, face);
        for (int i = 0; i < ellipse.Data.Length; i++) ellipse.Data[i] *= 1 - eyes.Data[i];
        return ellipse;
    }

    static FloatPlane EyeBand(RgbaImage image, DetectedFace face)
    {
        var mask = new FloatPlane(image.Width, image.Height);
        var (l, r) = (face.LeftEye, face.RightEye);
        float eyeY = (l.Y + r.Y) / 2, span = Vector2.Distance(l, r);
        int x0 = (int)(Math.Min(l.X, r.X) - 0.55f * span), x1 = (int)(Math.Max(l.X, r.X) + 0.55f * span);
        int y0 = (int)(eyeY - 0.35f * span), y1 = (int)(eyeY + 0.3f * span);
        Fill(mask, x0, y0, x1, y1);
        return mask;
    }

    static FloatPlane Neck(RgbaImage image, DetectedFace face)
    {
        var mask = new FloatPlane(image.Width, image.Height);
        var b = face.Box;
        Fill(mask, (int)(b.CenterX - 0.6f * b.Width), (int)(b.Bottom - 0.1f * b.Height), (int)(b.CenterX + 0.6f * b.Width), (int)(b.Bottom + 0.75f * b.Height));
        return mask;
    }

    static IEnumerable<Vector2> Wrists(BodyPose body) =>
        new[] { body[BodyKeypoint.LeftWrist], body[BodyKeypoint.RightWrist] }.Where(k => k.Score >= 0.3f).Select(k => k.Position);

    static IEnumerable<Vector2> LowerHand(BodyPose body)
    {
        var hand = new[] { body[BodyKeypoint.LeftWrist], body[BodyKeypoint.RightWrist] }.Where(k => k.Score >= 0.3f).OrderByDescending(k => k.Y).FirstOrDefault();
        return hand.Score >= 0.3f ? [hand.Position]
            : throw new LikenessException("no hand is visible: a held accessory needs a photo that shows the person's hands");
    }

    static FloatPlane Disks(RgbaImage image, IEnumerable<Vector2> centres, float radius)
    {
        var mask = new FloatPlane(image.Width, image.Height);
        var list = centres.ToList();
        if (list.Count == 0) throw new LikenessException("no wrist is visible: a watch needs a photo that shows the person's wrists");
        foreach (var c in list)
        {
            int x0 = Math.Max(0, (int)(c.X - radius)), x1 = Math.Min(image.Width - 1, (int)(c.X + radius));
            int y0 = Math.Max(0, (int)(c.Y - radius)), y1 = Math.Min(image.Height - 1, (int)(c.Y + radius));
            for (int y = y0; y <= y1; y++)
                for (int x = x0; x <= x1; x++)
                    if (Vector2.DistanceSquared(new(x, y), c) <= radius * radius) mask[x, y] = 1;
        }
        return mask;
    }

    static FloatPlane Ellipse(RgbaImage image, float cx, float cy, float rx, float ry)
    {
        var mask = new FloatPlane(image.Width, image.Height);
        int y0 = Math.Max(0, (int)(cy - ry)), y1 = Math.Min(image.Height - 1, (int)(cy + ry));
        int x0 = Math.Max(0, (int)(cx - rx)), x1 = Math.Min(image.Width - 1, (int)(cx + rx));
        for (int y = y0; y <= y1; y++)
            for (int x = x0; x <= x1; x++)
            {
                float dx = (x - cx) / rx, dy = (y - cy) / ry;
                if (dx * dx + dy * dy <= 1) mask[x, y] = 1;
            }
        return mask;
    }

    static void Fill(FloatPlane mask, int x0, int y0, int x1, int y1)
    {
        x0 = Math.Clamp(x0, 0, mask.Width); x1 = Math.Clamp(x1, 0, mask.Width);
        y0 = Math.Clamp(y0, 0, mask.Height); y1 = Math.Clamp(y1, 0, mask.Height);
        for (int y = y0; y < y1; y++) mask.Row(y)[x0..x1].Fill(1);
    }

    static FloatPlane Union(params FloatPlane[] masks)
    {
        var result = masks[0].Clone();
        foreach (var m in masks.Skip(1))
            for (int i = 0; i < result.Data.Length; i++) result.Data[i] = Math.Max(result.Data[i], m.Data[i]);
        return result;
    }

    static FloatPlane Intersect(FloatPlane a, FloatPlane b)
    {
        var result = new FloatPlane(a.Width, a.Height);
        for (int i = 0; i < result.Data.Length; i++) result.Data[i] = Math.Min(a.Data[i], b.Data[i] > 0.5f ? 1f : 0f);
        return result;
    }

    static FloatPlane Invert(FloatPlane a)
    {
        var result = new FloatPlane(a.Width, a.Height);
        for (int i = 0; i < result.Data.Length; i++) result.Data[i] = 1 - a.Data[i];
        return result;
    }
}
