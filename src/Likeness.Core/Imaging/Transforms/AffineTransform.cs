using System.Numerics;

namespace Likeness.Imaging.Transforms;

/// <summary>
/// A 2x3 affine map, laid out like OpenCV's warp matrix:
/// <c>x' = A x + B y + C</c>, <c>y' = D x + E y + F</c>.
/// </summary>
public readonly record struct AffineTransform(double A, double B, double C, double D, double E, double F)
{
    public static AffineTransform Identity => new(1, 0, 0, 0, 1, 0);

    public static AffineTransform Translation(double tx, double ty) => new(1, 0, tx, 0, 1, ty);

    public static AffineTransform Scaling(double sx, double sy) => new(sx, 0, 0, 0, sy, 0);

    /// <summary>Rotation about a centre; positive angles turn x towards y, which is clockwise on screen (y points down).</summary>
    public static AffineTransform Rotation(double radians, double centerX = 0, double centerY = 0)
    {
        double c = Math.Cos(radians), s = Math.Sin(radians);
        return new(c, -s, centerX - c * centerX + s * centerY, s, c, centerY - s * centerX - c * centerY);
    }

    /// <summary>Uniform scale, then rotation, then translation.</summary>
    public static AffineTransform Similarity(double scale, double radians, double tx, double ty)
    {
        double a = scale * Math.Cos(radians), b = scale * Math.Sin(radians);
        return new(a, -b, tx, b, a, ty);
    }

    /// <summary>Row-major 2x3 values, e.g. from cv2.getAffineTransform.</summary>
    public static AffineTransform FromMatrix(ReadOnlySpan<float> m) =>
        m.Length == 6 ? new(m[0], m[1], m[2], m[3], m[4], m[5]) : throw new ArgumentException("need 6 values", nameof(m));

    public float[] ToMatrix() => [(float)A, (float)B, (float)C, (float)D, (float)E, (float)F];

    public double Determinant => A * E - B * D;

    /// <summary>The geometric mean of the axis scales.</summary>
    public double ScaleFactor => Math.Sqrt(Math.Abs(Determinant));

    /// <summary>Rotation angle of the x axis, in radians.</summary>
    public double RotationRadians => Math.Atan2(D, A);

    /// <summary>Matrix product: <c>(m * n)(p) = m(n(p))</c>, so <paramref name="n"/> applies first.</summary>
    public static AffineTransform operator *(AffineTransform m, AffineTransform n) => new(
        m.A * n.A + m.B * n.D, m.A * n.B + m.B * n.E, m.A * n.C + m.B * n.F + m.C,
        m.D * n.A + m.E * n.D, m.D * n.B + m.E * n.E, m.D * n.C + m.E * n.F + m.F);

    /// <summary>This transform followed by <paramref name="next"/>.</summary>
    public AffineTransform Then(AffineTransform next) => next * this;

    public AffineTransform Invert()
    {
        double det = Determinant;
        if (Math.Abs(det) < 1e-12) throw new InvalidOperationException($"affine transform {this} is singular");
        double ia = E / det, ib = -B / det, id = -D / det, ie = A / det;
        return new(ia, ib, -(ia * C + ib * F), id, ie, -(id * C + ie * F));
    }

    public (double X, double Y) Apply(double x, double y) => (A * x + B * y + C, D * x + E * y + F);

    public Vector2 Apply(Vector2 p) => new((float)(A * p.X + B * p.Y + C), (float)(D * p.X + E * p.Y + F));

    public void Apply(ReadOnlySpan<Vector2> points, Span<Vector2> dest)
    {
        for (int i = 0; i < points.Length; i++) dest[i] = Apply(points[i]);
    }
}
