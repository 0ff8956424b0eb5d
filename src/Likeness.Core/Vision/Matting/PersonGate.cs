using Likeness.Imaging;

namespace Likeness.Vision.Matting;

/// <summary>
/// ISNet separates salient objects, not people: on a photo of an empty office it cuts out the desk. This keeps
/// only the regions of a matte that a person segmentation confirms. Regions are whole connected areas, so
/// whatever the person holds or wears (touching them in the matte) stays.
/// </summary>
internal static class PersonGate
{
    /// <summary>Alpha above which matte pixels join a region; low enough that a region's soft fringe goes with it.</summary>
    const float RegionAlpha = 0.02f;

    /// <summary>
    /// Zeroes, in place, every region whose solid part (alpha >= 0.5) is less than <paramref name="minPersonShare"/>
    /// person according to <paramref name="person"/> (a probability plane over the same view, any resolution).
    /// Returns how many regions were dropped.
    /// </summary>
    public static int DropRegionsWithoutPeople(FloatPlane matte, FloatPlane person, float minPersonShare = 0.2f)
    {
        int w = matte.Width, h = matte.Height;
        var a = matte.Data;
        var labels = new int[a.Length];
        var stack = new Stack<int>();
        var members = new List<int>();
        int dropped = 0, next = 0;
        float sx = (float)person.Width / w, sy = (float)person.Height / h;

        for (int seed = 0; seed < a.Length; seed++)
        {
            if (labels[seed] != 0 || a[seed] <= RegionAlpha) continue;
            labels[seed] = ++next;
            stack.Push(seed);
            members.Clear();
            int solid = 0, confirmed = 0;
            while (stack.Count > 0)
            {
                int i = stack.Pop();
                members.Add(i);
                int x = i % w, y = i / w;
                if (a[i] >= 0.5f)
                {
                    solid++;
                    if (person[Math.Min(person.Width - 1, (int)(x * sx)), Math.Min(person.Height - 1, (int)(y * sy))] >= 0.5f) confirmed++;
                }
                for (int dy = -1; dy <= 1; dy++)
                for (int dx = -1; dx <= 1; dx++)
                {
                    int nx = x + dx, ny = y + dy;
                    if ((uint)nx >= (uint)w || (uint)ny >= (uint)h) continue;
                    int j = ny * w + nx;
                    if (labels[j] != 0 || a[j] <= RegionAlpha) continue;
                    labels[j] = next;
                    stack.Push(j);
                }
            }
            if (solid > 0 && confirmed >= minPersonShare * solid) continue;
            foreach (var i in members) a[i] = 0;
            dropped++;
        }
        return dropped;
    }
}
