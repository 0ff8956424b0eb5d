using Likeness.Pipelines;
using Likeness.Tests.Support;

namespace Likeness.Tests.Pipelines;

static class Engine
{
    public static VisionEngine Require(params string[] extraModels) =>
        new(TestModels.Require(["yunet", "face-mesh", "fr-feature", .. extraModels]));

    public static EncodedImage Sample(string file) => EncodedImage.FromFile(Path.Combine(TestPaths.RepoRoot, "samples", file));

    public static EncodedImage Shared(string relative) => EncodedImage.FromFile(TestPaths.TestDataFile(relative));
}
