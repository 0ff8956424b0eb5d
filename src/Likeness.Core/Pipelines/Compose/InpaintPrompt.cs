using System.Globalization;

namespace Likeness.Pipelines.Compose;

/// <summary>The prompt written beside the placement mask in `--mode mask`, for providers that inpaint a person into a scene.</summary>
public static class InpaintPrompt
{
    public static string For(ComposeReport report)
    {
        var p = report.Placement?.Position;
        var where = p is null ? "in the masked area" : string.Create(CultureInfo.InvariantCulture,
            $"in the masked area (centre at {p.Value.X:P0} across, {p.Value.Y:P0} down; {p.Value.Scale:P0} of the frame height)");
        var view = report.View is null ? "" : $", head turned as in the reference ({report.View}, yaw {report.Yaw:0}°)";
        return $"The person from the reference photo standing {where}{view}. Keep their face, hair and skin tone exactly; " +
               "match the scene's lighting direction, colour temperature and perspective; natural contact shadow; photorealistic.";
    }
}
