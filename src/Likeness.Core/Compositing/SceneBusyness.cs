using Likeness.Imaging;
using Likeness.Imaging.Color;

namespace Likeness.Compositing;

/// <summary>How busy (textured, detailed) each column of a scene is: mean gradient magnitude of its luma.</summary>
public static class SceneBusyness
{
    public static double[] Columns(RgbaImage scene)
    {
        var gray = Channels.ToGray(scene);
        var columns = new double[scene.Width];
        for (int y = 1; y < gray.Height - 1; y++)
        {
            var up = gray.Row(y - 1);
            var row = gray.Row(y);
            var down = gray.Row(y + 1);
            for (int x = 1; x < gray.Width - 1; x++)
            {
                float gx = row[x + 1] - row[x - 1], gy = down[x] - up[x];
                columns[x] += MathF.Sqrt(gx * gx + gy * gy);
            }
        }
        for (int x = 0; x < columns.Length; x++) columns[x] /= scene.Height;
        return columns;
    }
}
