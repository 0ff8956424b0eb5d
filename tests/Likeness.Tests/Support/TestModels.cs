using Likeness.Imaging;
using Likeness.Imaging.Codecs;
using Likeness.Inference;
using Likeness.Models;
using Microsoft.Extensions.Options;

namespace Likeness.Tests.Support;

/// <summary>
/// One model store + session cache for the whole test run: the user's model cache, with ../shared/models
/// as mirror. Tests that need a model skip (with the reason) when ORT or the model cannot be had.
/// </summary>
public static class TestModels
{
    static readonly Lazy<ModelSessions> Lazy = new(() =>
    {
        var options = new ModelStoreOptions();
        if (TestPaths.SharedModels is { } mirror) options.MirrorDirectories.Add(mirror);
        return new ModelSessions(new ModelStore(Options.Create(options)));
    });

    public static ModelSessions Sessions
    {
        get
        {
            Skip.IfNot(OrtRuntime.TryGet(out _, out var problem), problem);
            return Lazy.Value;
        }
    }

    /// <summary>Skips the test when a model is neither cached nor mirrored (and so would need a download).</summary>
    public static ModelSessions Require(params string[] models)
    {
        var sessions = Sessions;
        foreach (var name in models)
        {
            try { sessions.GetAsync(name).AsTask().GetAwaiter().GetResult(); }
            catch (ModelUnavailableException e) { throw new Xunit.SkipException($"model {name} unavailable: {e.Message}"); }
        }
        return sessions;
    }

    /// <summary>Decodes a photo from ../shared/testdata (skips when absent).</summary>
    public static RgbaImage Photo(string relative) => ImageCodec.Load(TestPaths.TestDataFile(relative));
}
