using System.Text.Json.Nodes;
using Likeness.Imaging;
using Likeness.Imaging.Codecs;
using Likeness.Imaging.Transforms;
using Likeness.Pipelines;
using Likeness.Pipelines.Generation;
using Likeness.Pipelines.Swap;
using Likeness.Providers;
using Likeness.Providers.Tests.Fakes;
using Likeness.Vision.Parsing;
using Xunit.Abstractions;

namespace Likeness.Tests.Pipelines;

/// <summary>
/// `swap --engine provider` over real HTTP: a loopback fal.ai speaks fal-ai/face-swap's protocol and answers with real
/// pixels the test picks — the local swapper's result (the right person), the target untouched, someone else, a
/// re-framed crop — and the local gate decides on them.
/// </summary>
public sealed class ProviderSwapTests(ITestOutputHelper output) : IAsyncLifetime
{
    const string Angelina = "identity/angelina_jolie/img1.jpg";
    const string Jennifer = "identity/jennifer_aniston/img54.jpg";
    const string Jack = "identity/jack_dorsey/img17.jpg";
    readonly Harness _harness = new();
    FakeFal _fal = null!;

    public async Task InitializeAsync()
    {
        _fal = await FakeFal.StartAsync(_harness.Clock);
        _harness.AddFal(_fal);
    }

    public async Task DisposeAsync()
    {
        await _fal.DisposeAsync();
        _harness.Dispose();
    }

    static VisionEngine Require() => Engine.Require("skin-clothes-hair");

    static async Task<SwapSource> SourceAsync(VisionEngine engine, string file) =>
        await SwapSource.FromPhotosAsync(engine, [(file, Engine.Shared(file).Decode())], new SkinClothesHairParser(engine.Sessions));

    static async Task<RgbaImage> LocalSwapAsync(VisionEngine engine, SwapSource source, RgbaImage target) =>
        (await new FaceSwapper(engine, new SkinClothesHairParser(engine.Sessions)).SwapAsync(source, target, new SwapOptions())).Image;

    static byte[] Png(RgbaImage image) => ImageCodec.Encode(image, ImageFormat.Png);

    ProviderFaceSwap Swapper(VisionEngine engine, int attempts = 3) =>
        new(engine, new GatedGenerator(_harness.Service(), _harness.Store, new GenerationGate(engine), new GatedGenerationOptions { MaxAttempts = attempts }, _harness.Clock));

    void Log(IEnumerable<GenerationAttempt> attempts)
    {
        foreach (var a in attempts) output.WriteLine($"#{a.Number} {a.Provider}:{a.Model} ${a.EstimatedUsd}: {a.Verdict.Summary}");
    }

    [SkippableFact]
    public async Task The_target_returned_unchanged_is_refused_and_the_real_swap_is_delivered()
    {
        var engine = Require();
        var angelina = await SourceAsync(engine, Angelina);
        var target = Engine.Shared(Jennifer).Decode();
        _fal.ImageReplies.Enqueue(Png(target));
        _fal.ImageReplies.Enqueue(Png(await LocalSwapAsync(engine, angelina, target)));

        var result = await Swapper(engine).SwapAsync(angelina, target, new SwapOptions(), _harness.Context());
        Log(result.Attempts);

        Assert.Equal(2, result.Attempts.Count);
        Assert.Contains("not the source person", result.Attempts[0].Verdict.Summary);
        Assert.True(result.Attempts[1].Verdict.Passed, result.Attempts[1].Verdict.Summary);
        var face = Assert.Single(result.Swap.Faces);
        Assert.True(face.TakesSourceIdentity, $"to source {face.SimilarityToSource:0.00}, to original {face.SimilarityToTarget:0.00}");
        Assert.Equal((target.Width, target.Height), (result.Swap.Image.Width, result.Swap.Image.Height));

        // fal-ai/face-swap's documented body: base_image_url = the target, swap_image_url = the face; both uploaded to fal storage first.
        var submit = JsonNode.Parse(_fal.Server.Requests.First(r => r.Method == "POST" && r.Path == "/" + FakeFal.FaceSwapModel).Body)!;
        var baseImage = ImageCodec.Decode(Uploaded((string)submit["base_image_url"]!), "base");
        var swapImage = ImageCodec.Decode(Uploaded((string)submit["swap_image_url"]!), "swap");
        Assert.Equal((target.Width, target.Height), (baseImage.Width, baseImage.Height));
        Assert.Equal((angelina.Photo.Width, angelina.Photo.Height), (swapImage.Width, swapImage.Height));
        var ledger = await _harness.Ledger.ListAsync("alice", DateTimeOffset.MinValue, default);
        Assert.Equal(2, ledger.Count);
        Assert.All(ledger, e => Assert.Equal(0.02m, e.EstimatedUsd));
    }

    [SkippableFact]
    public async Task Someone_else_or_a_reframed_answer_never_passes_and_every_paid_attempt_is_reported()
    {
        var engine = Require();
        var angelina = await SourceAsync(engine, Angelina);
        var target = Engine.Shared(Jennifer).Decode();
        var jackSwapped = await LocalSwapAsync(engine, await SourceAsync(engine, Jack), target);
        var right = await LocalSwapAsync(engine, angelina, target);
        _fal.ImageReplies.Enqueue(Png(jackSwapped));
        _fal.ImageReplies.Enqueue(Png(right.Crop(new Rect(0, 0, right.Width, right.Height * 2 / 3))));
        _fal.ImageReplies.Enqueue(Png(jackSwapped));

        var failed = await Assert.ThrowsAsync<GenerationFailedException>(() => Swapper(engine).SwapAsync(angelina, target, new SwapOptions(), _harness.Context()));
        Log(failed.Attempts);
        output.WriteLine(failed.Message);

        Assert.Equal(3, failed.Attempts.Count);
        Assert.Contains("not the source person", failed.Attempts[0].Verdict.Summary);
        Assert.Contains("cropped or re-framed", failed.Attempts[1].Verdict.Summary);
        Assert.All(failed.Attempts, a => Assert.False(a.Verdict.Passed));
        Assert.Equal(3, (await _harness.Ledger.ListAsync("alice", DateTimeOffset.MinValue, default)).Count);
    }

    [SkippableFact]
    public async Task In_a_photo_of_two_people_only_the_chosen_face_is_sent_and_changed()
    {
        var engine = Require();
        var angelina = await SourceAsync(engine, Angelina);
        var target = Engine.Shared(GatePhotos.Couple).Decode();
        var faces = await engine.Detector.DetectAsync(target);
        Skip.If(faces.Count < 2, $"{GatePhotos.Couple} shows {faces.Count} face(s) to the detector; the test needs two");
        // The provider gets a crop around face 1 and, like a learned swapper, puts the source face on the face it sees.
        _fal.ReplyChooser = (model, input) =>
        {
            var crop = ImageCodec.Decode(Uploaded((string)input["base_image_url"]!), "crop");
            return Png(LocalSwapAsync(engine, angelina, crop).GetAwaiter().GetResult());
        };

        var result = await Swapper(engine).SwapAsync(angelina, target, new SwapOptions { FaceIndices = [1] }, _harness.Context());
        Log(result.Attempts);

        var sent = ImageCodec.Decode(Uploaded((string)JsonNode.Parse(_fal.Server.Requests.First(r => r.Method == "POST" && r.Path == "/" + FakeFal.FaceSwapModel).Body)!["base_image_url"]!), "sent");
        var region = ProviderFaceSwap.CropAround(faces[1].Box, target.Width, target.Height);
        Assert.Equal((region.Width, region.Height), (sent.Width, sent.Height));
        Assert.True(sent.Width < target.Width, "the whole photo was sent, not the crop around face 1");
        var face = Assert.Single(result.Swap.Faces);
        Assert.Equal(1, face.Index);
        Assert.True(face.TakesSourceIdentity, $"to source {face.SimilarityToSource:0.00}, to original {face.SimilarityToTarget:0.00}");
        // Face 0 is untouched: outside the crop every pixel is the target's, and face 0 is still the person it was.
        for (int y = 0; y < target.Height; y += 5)
            for (int x = 0; x < target.Width; x += 5)
                if (!region.Contains(x, y)) Assert.Equal(target[x, y], result.Swap.Image[x, y]);
        var before = await engine.Identity.EmbedFaceAsync(target, faces[0]);
        var after = await engine.Identity.EmbedFaceAsync(result.Swap.Image, (await engine.Detector.DetectAsync(result.Swap.Image)).MaxBy(f => f.Box.IntersectionOverUnion(faces[0].Box))!);
        Assert.True(engine.Identity.Compare(before, after).IsSame);
        Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "likeness-look"));
        ImageCodec.Save(result.Swap.Image, Path.Combine(Path.GetTempPath(), "likeness-look", "provider-swap-couple.png"));
    }

    byte[] Uploaded(string url) => _fal.Uploads[url[(url.LastIndexOf('/') + 1)..]];
}
