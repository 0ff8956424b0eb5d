namespace Likeness.Vision.Pose;

/// <summary>BodyPix's 24 body parts; left and right are the subject's.</summary>
public enum BodyPart : byte
{
    LeftFace, RightFace, LeftUpperArmFront, LeftUpperArmBack, RightUpperArmFront, RightUpperArmBack,
    LeftLowerArmFront, LeftLowerArmBack, RightLowerArmFront, RightLowerArmBack, LeftHand, RightHand,
    TorsoFront, TorsoBack, LeftUpperLegFront, LeftUpperLegBack, RightUpperLegFront, RightUpperLegBack,
    LeftLowerLegFront, LeftLowerLegBack, RightLowerLegFront, RightLowerLegBack, LeftFoot, RightFoot,
}

/// <summary>A body-part label per pixel: a <see cref="BodyPart"/> value, or <see cref="Background"/>.</summary>
public sealed class BodyPartMap
{
    public const int PartCount = 24;
    public const byte Background = 255;

    public BodyPartMap(int width, int height, byte[] labels)
    {
        if (labels.Length != (long)width * height)
            throw new ArgumentException($"{labels.Length} labels do not fill {width}x{height}", nameof(labels));
        Width = width;
        Height = height;
        Labels = labels;
    }

    public int Width { get; }
    public int Height { get; }

    /// <summary>Row-major labels.</summary>
    public byte[] Labels { get; }

    public byte this[int x, int y] => Labels[y * Width + x];

    /// <summary>Pixels labelled with <paramref name="part"/>.</summary>
    public long Count(BodyPart part)
    {
        long n = 0;
        foreach (var l in Labels) if (l == (byte)part) n++;
        return n;
    }

    /// <summary>Pixel count per part, indexed by <see cref="BodyPart"/>.</summary>
    public long[] Histogram()
    {
        var counts = new long[PartCount];
        foreach (var l in Labels) if (l < PartCount) counts[l]++;
        return counts;
    }
}

/// <summary>BodyPix output at the photo's resolution.</summary>
/// <param name="PersonMask">Person probability in 0..1.</param>
/// <param name="Parts">Body-part labels where the person mask is at least 0.5, background elsewhere.</param>
/// <param name="Pose">BodyPix's own single-person keypoints.</param>
public sealed record BodyPixResult(Likeness.Imaging.FloatPlane PersonMask, BodyPartMap Parts, BodyPose Pose);
