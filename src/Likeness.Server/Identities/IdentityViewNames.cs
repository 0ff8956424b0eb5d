using Likeness.Pipelines.Views;
using Likeness.Vision.Faces.Pose;

namespace Likeness.Server.Identities;

/// <summary>Angles under which identity views are stored (the `likeness views` file names without extension), plus the contact sheet.</summary>
public static class IdentityViewNames
{
    public static readonly string Front = ViewsPipeline.Label(FaceView.Front);
    public const string Sheet = "sheet";

    public static IReadOnlyList<string> All { get; } = [.. ViewsPipeline.Order.Select(ViewsPipeline.Label), Sheet];
}
