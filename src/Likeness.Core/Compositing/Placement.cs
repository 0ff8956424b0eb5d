using Likeness.Imaging.Transforms;
using Likeness.Vision.Framing;

namespace Likeness.Compositing;

public enum HorizontalAnchor { Auto, Left, Center, Right }

public sealed record PlacementOptions
{
    /// <summary>Face width as a fraction of the output width (likeness degrades when faces are small); 0.15-0.25 is the sane band.</summary>
    public double FaceWidthFraction { get; init; } = DefaultFaceWidthFraction;
    public const double DefaultFaceWidthFraction = 0.20;
    public HorizontalAnchor Anchor { get; init; } = HorizontalAnchor.Auto;
    /// <summary>Free space kept above the top of the head, as a fraction of the scene height.</summary>
    public double Headroom { get; init; } = 0.06;
}

/// <summary>The placement used: how person-photo pixels map into the scene, and the normalised position.</summary>
public sealed record Placement(AffineTransform PersonToScene, PersonPosition Position, string Method, string Reason);

/// <summary>Turns a person layout and a scene size into a placement, automatically or from an explicit position.</summary>
public static class PlacementPlanner
{
    // The face box from a detector covers brows to chin; the skull reaches about this much of its height higher.
    const double ForeheadAboveFaceBox = 0.45;
    /// <summary>Where a full-length person's feet stand, as a fraction of the scene height from the top.</summary>
    public const double GroundLine = 0.95;

    public static Placement Explicit(PersonLayout person, int sceneW, int sceneH, PersonPosition position)
    {
        var box = person.CutoutBox;
        double s = position.Scale * sceneH / box.Height;
        double cx = box.X + box.Width / 2.0, cy = box.Y + box.Height / 2.0;
        var transform = AffineTransform.Translation(-cx, -cy)
            .Then(AffineTransform.Scaling(s, s))
            .Then(AffineTransform.Rotation(position.Rotation * Math.PI / 180))
            .Then(AffineTransform.Translation(position.X * sceneW, position.Y * sceneH));
        return new Placement(transform, position, "explicit", "as given");
    }

    public static Placement Auto(PersonLayout person, int sceneW, int sceneH, PlacementOptions? options = null, double[]? columnBusyness = null)
    {
        options ??= new PlacementOptions();
        var box = person.CutoutBox;
        var reasons = new List<string>();

        // Scale: the face width decides; without a face, fill 80 % of the scene height.
        double s = person.Face is { } f
            ? options.FaceWidthFraction * sceneW / f.Width
            : 0.8 * sceneH / box.Height;
        reasons.Add(person.Face is null ? "no face: person fills 80 % of the height" : $"face width {options.FaceWidthFraction:P0} of output width");

        // Vertical: a cut-off edge (bottom-touching cut-outs, busts) sits on the scene's bottom edge; a full body stands on the ground line.
        bool anchored = person.AnchorsAtBottom;
        double bottom = anchored ? sceneH : sceneH * GroundLine;
        reasons.Add(anchored ? "bust on the bottom edge" : "standing on the ground line");
        double headTop = person.Face is { } face ? face.Y - ForeheadAboveFaceBox * face.Height : box.Y;
        headTop = Math.Max(headTop, box.Y);
        // A standing person is shown whole: raised arms and what they hold (a golfer's club) stay in the scene too.
        if (!anchored && person.Framing == PhotoFraming.FullBody) headTop = box.Y;
        double headTopInScene = bottom - (box.Bottom - headTop) * s;
        double minHeadTop = options.Headroom * sceneH;
        if (headTopInScene < minHeadTop && !anchored && person.Framing == PhotoFraming.FullBody)
        {
            // A standing person keeps their feet on the ground line: shrink until the head fits too.
            s = (bottom - minHeadTop) / (box.Bottom - headTop);
            reasons.Add("scaled down so the whole person stands in the scene");
        }
        else if (headTopInScene < minHeadTop)
        {
            if (anchored || person.Face is not null)
            {
                // Slide down (the body runs off the bottom edge) rather than shrink the face.
                bottom += minHeadTop - headTopInScene;
                reasons.Add("moved down to keep headroom");
            }
            double faceBottomInScene = person.Face is { } ff ? bottom - (box.Bottom - ff.Bottom) * s : bottom;
            if (faceBottomInScene > sceneH * 0.95 || person.Face is null)
            {
                // The head and face cannot both fit at this size: shrink until they do.
                double available = sceneH * (0.95 - options.Headroom);
                double faceSpan = person.Face is { } f2 ? (f2.Bottom - headTop) : (box.Bottom - headTop);
                s = Math.Min(s, available / faceSpan);
                bottom = anchored ? Math.Max(sceneH, minHeadTop + (box.Bottom - headTop) * s) : minHeadTop + (box.Bottom - headTop) * s;
                reasons.Add("scaled down so the head fits with headroom");
            }
        }

        double widthInScene = box.Width * s;
        double cx = ChooseCenterX(widthInScene, sceneW, options.Anchor, columnBusyness, out var why);
        reasons.Add(why);

        double cy = bottom - box.Height * s / 2;
        var transform = AffineTransform.Translation(-(box.X + box.Width / 2.0), -(box.Y + box.Height / 2.0))
            .Then(AffineTransform.Scaling(s, s))
            .Then(AffineTransform.Translation(cx, cy));
        var position = new PersonPosition(cx / sceneW, cy / sceneH, box.Height * s / sceneH, 0);
        return new Placement(transform, position, "auto", string.Join("; ", reasons));
    }

    static double ChooseCenterX(double width, int sceneW, HorizontalAnchor anchor, double[]? busyness, out string why)
    {
        double half = Math.Min(width, sceneW) / 2;
        double Clamp(double x) => Math.Clamp(x, half, sceneW - half);
        switch (anchor)
        {
            case HorizontalAnchor.Left: why = "anchored left"; return Clamp(sceneW * 0.25);
            case HorizontalAnchor.Right: why = "anchored right"; return Clamp(sceneW * 0.75);
            case HorizontalAnchor.Center: why = "anchored centre"; return sceneW / 2.0;
        }
        if (busyness is null || busyness.Length != sceneW || width >= sceneW)
        {
            why = "centred";
            return sceneW / 2.0;
        }
        // Choose the position whose footprint covers the least busy part of the scene; ties favour the centre.
        var prefix = new double[sceneW + 1];
        for (int i = 0; i < sceneW; i++) prefix[i + 1] = prefix[i] + busyness[i];
        int w = (int)Math.Round(width);
        double best = double.MaxValue, bestX = sceneW / 2.0, total = prefix[sceneW] + 1e-9;
        for (int left = 0; left + w <= sceneW; left += Math.Max(1, sceneW / 200))
        {
            double covered = (prefix[left + w] - prefix[left]) / total;
            double centre = left + w / 2.0;
            double cost = covered + 0.05 * Math.Abs(centre - sceneW / 2.0) / sceneW;
            if (cost < best) { best = cost; bestX = centre; }
        }
        why = $"placed where it covers the least busy part of the scene (x {bestX / sceneW:0.00})";
        return Clamp(bestX);
    }
}
