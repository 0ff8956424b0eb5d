using System.Collections.Concurrent;
using Likeness.Imaging;
using Likeness.Imaging.Transforms;
using Likeness.Tests.Support;
using Likeness.Vision.Matting;

namespace Likeness.Tests.Vision;

/// <summary>A photo and its matte; <see cref="ModelMatte"/> is the model's low-resolution output (ISNet only).</summary>
public sealed record MattedPhoto(string Name, RgbaImage Photo, MattingResult Result, FloatPlane? ModelMatte);

/// <summary>
/// ISNet costs seconds per photo, so each photo is matted once per test run and shared by every test that asks.
/// Work starts only when a test asks, so filtered runs pay only for what they use.
/// </summary>
public sealed class MattingFixture
{
    readonly ConcurrentDictionary<string, Lazy<Task<MattedPhoto>>> _isnet = new();
    readonly ConcurrentDictionary<string, Lazy<Task<MattedPhoto>>> _selfie = new();

    public Task<MattedPhoto> IsNet(string photo) => _isnet.GetOrAdd(photo, p => new(async () =>
    {
        var sessions = TestModels.Require(IsNetMatting.Model, SelfieSegmentationMatting.Model);
        var image = TestModels.Photo(p);
        var (result, matte) = await new IsNetMatting(sessions).MatteKeepingModelOutputAsync(image, default);
        return new MattedPhoto(p, image, result, matte);
    })).Value;

    public Task<MattedPhoto> Selfie(string photo) => _selfie.GetOrAdd(photo, p => new(async () =>
    {
        var sessions = TestModels.Require(SelfieSegmentationMatting.Model);
        var image = TestModels.Photo(p);
        return new MattedPhoto(p, image, await new SelfieSegmentationMatting(sessions).MatteAsync(image), null);
    })).Value;

    /// <summary>The same model matte brought to full size by plain bilinear interpolation, for comparison.</summary>
    public static FloatPlane Bilinear(MattedPhoto m) =>
        (m.ModelMatte ?? throw new InvalidOperationException("no model matte kept")).Resize(m.Photo.Width, m.Photo.Height, ResizeMethod.Bilinear);
}
