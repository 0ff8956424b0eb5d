namespace Likeness.Imaging.Filters;

public enum FeatherMode
{
    /// <summary>The soft edge straddles the original edge (half inside, half outside).</summary>
    Centered,
    /// <summary>The soft edge lies inside the original mask, which never grows (no halo when compositing).</summary>
    Inside,
    /// <summary>The soft edge lies outside the original mask, which stays fully on.</summary>
    Outside,
}

public static class Masks
{
    /// <summary>1 where the value is above <paramref name="threshold"/>, else 0 (like OpenCV THRESH_BINARY).</summary>
    public static FloatPlane Threshold(this FloatPlane plane, float threshold)
    {
        var dst = new FloatPlane(plane.Width, plane.Height);
        var s = plane.Data;
        var d = dst.Data;
        for (int i = 0; i < s.Length; i++) d[i] = s[i] > threshold ? 1f : 0f;
        return dst;
    }

    /// <summary>
    /// Softens mask edges over about <paramref name="radius"/> pixels: a Gaussian with sigma = radius / 3,
    /// after shrinking (<see cref="FeatherMode.Inside"/>) or growing (<see cref="FeatherMode.Outside"/>) the mask by the radius.
    /// </summary>
    public static FloatPlane Feather(this FloatPlane mask, float radius, FeatherMode mode = FeatherMode.Centered)
    {
        if (!(radius > 0)) return mask.Clone();
        int shift = (int)MathF.Ceiling(radius);
        var shaped = mode switch
        {
            FeatherMode.Inside => mask.Erode(shift, StructuringElement.Disc),
            FeatherMode.Outside => mask.Dilate(shift, StructuringElement.Disc),
            _ => mask,
        };
        return shaped.GaussianBlur(radius / 3f);
    }
}
