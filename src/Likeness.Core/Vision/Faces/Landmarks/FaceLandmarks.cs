using System.Numerics;

namespace Likeness.Vision.Faces.Landmarks;

/// <summary>
/// Landmarks of one face in image pixels (continuous coordinates, after EXIF orientation). Z is relative
/// depth in the same pixel scale as X, larger = farther from the camera; layouts without depth leave it 0.
/// Named accessors follow <see cref="LandmarkLayout"/>: left and right are IMAGE sides.
/// </summary>
public sealed class FaceLandmarks
{
    public FaceLandmarks(LandmarkLayout layout, Vector3[] points, float presence)
    {
        if (points.Length != layout.PointCount)
            throw new ArgumentException($"layout {layout} has {layout.PointCount} points, got {points.Length}", nameof(points));
        Layout = layout;
        Points = points;
        Presence = presence;
    }

    public LandmarkLayout Layout { get; }
    public Vector3[] Points { get; }
    /// <summary>The model's confidence that a face fills the crop (0..1); 1 when the model does not say.</summary>
    public float Presence { get; }

    public int Count => Points.Length;
    public bool HasDepth => Layout == LandmarkLayout.Mesh468;

    public Vector2 this[int index] => new(Points[index].X, Points[index].Y);

    public Vector2 NoseTip => this[Layout.NoseTip];
    public Vector2 Chin => this[Layout.Chin];
    public Vector2? Forehead => Layout.Forehead >= 0 ? this[Layout.Forehead] : null;
    public Vector2 LeftEyeOuter => this[Layout.LeftEyeOuter];
    public Vector2 LeftEyeInner => this[Layout.LeftEyeInner];
    public Vector2 RightEyeInner => this[Layout.RightEyeInner];
    public Vector2 RightEyeOuter => this[Layout.RightEyeOuter];
    public Vector2 LeftMouthCorner => this[Layout.LeftMouthCorner];
    public Vector2 RightMouthCorner => this[Layout.RightMouthCorner];
    /// <summary>Centre of the eye on the image's left (mean of its outline).</summary>
    public Vector2 LeftEyeCenter => Mean(Layout.LeftEye);
    public Vector2 RightEyeCenter => Mean(Layout.RightEye);

    public Vector2[] FaceOval => Polygon(Layout.FaceOval);
    public Vector2[] LeftEye => Polygon(Layout.LeftEye);
    public Vector2[] RightEye => Polygon(Layout.RightEye);
    public Vector2[] LeftBrow => Polygon(Layout.LeftBrow);
    public Vector2[] RightBrow => Polygon(Layout.RightBrow);
    public Vector2[] OuterLips => Polygon(Layout.OuterLips);

    public Vector2[] Polygon(IReadOnlyList<int> indices)
    {
        var result = new Vector2[indices.Count];
        for (int i = 0; i < result.Length; i++) result[i] = this[indices[i]];
        return result;
    }

    public Vector2 Mean(IReadOnlyList<int> indices)
    {
        var sum = Vector2.Zero;
        foreach (var i in indices) sum += this[i];
        return sum / indices.Count;
    }

    /// <summary>The 5 points in ArcFace template order (as <see cref="DetectedFace.Keypoints"/>).</summary>
    public Vector2[] ToFivePoints() => [LeftEyeCenter, RightEyeCenter, NoseTip, LeftMouthCorner, RightMouthCorner];

    /// <summary>The axis-aligned box around all points.</summary>
    public BoxF Bounds
    {
        get
        {
            float minX = float.MaxValue, minY = float.MaxValue, maxX = float.MinValue, maxY = float.MinValue;
            foreach (var p in Points)
            {
                minX = MathF.Min(minX, p.X); maxX = MathF.Max(maxX, p.X);
                minY = MathF.Min(minY, p.Y); maxY = MathF.Max(maxY, p.Y);
            }
            return BoxF.FromEdges(minX, minY, maxX, maxY);
        }
    }

    /// <summary>
    /// Mean distance to <paramref name="reference"/> 5 points divided by the distance between the reference
    /// eye centres (the usual inter-ocular normalised mean error).
    /// </summary>
    public float NormalisedErrorTo(ReadOnlySpan<Vector2> reference)
    {
        var mine = ToFivePoints();
        float sum = 0;
        for (int i = 0; i < 5; i++) sum += Vector2.Distance(mine[i], reference[i]);
        return sum / 5 / Vector2.Distance(reference[0], reference[1]);
    }

    public override string ToString() => $"{Layout} x{Count}, presence {Presence:0.00}, bounds {Bounds}";
}
