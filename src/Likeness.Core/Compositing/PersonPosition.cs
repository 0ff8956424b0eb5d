using System.Globalization;

namespace Likeness.Compositing;

/// <summary>
/// Where a person sits in a scene, normalised to the scene (the shape a stored scene's personPosition has):
/// (<see cref="X"/>, <see cref="Y"/>) is the centre of the person's cut-out box as a fraction of the scene's
/// width and height, <see cref="Scale"/> is the cut-out box height as a fraction of the scene height, and
/// <see cref="Rotation"/> is in degrees, clockwise, about that centre.
/// </summary>
public readonly record struct PersonPosition(double X, double Y, double Scale, double Rotation = 0)
{
    /// <summary>Parses "x,y,scale[,rotation]" (invariant culture), e.g. "0.5,0.6,0.8,0".</summary>
    public static PersonPosition Parse(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length is < 3 or > 4 || !parts.All(p => double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out _)))
            throw new LikenessException($"placement '{text}' is not x,y,scale[,rotation] (numbers, e.g. 0.5,0.6,0.8,0)");
        var v = parts.Select(p => double.Parse(p, CultureInfo.InvariantCulture)).ToArray();
        if (v[2] <= 0 || v[2] > 10)
            throw new LikenessException($"placement scale {v[2]} must be above 0 and at most 10 (it is the person's height as a fraction of the scene height)");
        return new PersonPosition(v[0], v[1], v[2], v.Length == 4 ? v[3] : 0);
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{X:0.####},{Y:0.####},{Scale:0.####},{Rotation:0.##}");
}
