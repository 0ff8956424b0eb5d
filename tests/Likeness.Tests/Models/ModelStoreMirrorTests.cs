using Likeness.Models;

namespace Likeness.Tests.Models;

public sealed class ModelStoreMirrorTests : IDisposable
{
    const string File1 = "matting/small.onnx";
    readonly ModelTestKit kit = new();
    readonly byte[] content = ModelTestKit.RandomBytes(50_000, seed: 2);

    byte[] Corrupted()
    {
        var bad = (byte[])content.Clone();
        bad[123] ^= 0x01;
        return bad;
    }

    [Fact]
    public async Task Mirror_copy_is_verified_and_copied_into_the_cache()
    {
        var mirror = kit.Folder("mirror");
        ModelTestKit.WriteFile(mirror, File1, content);
        kit.AddModel("small", File1, content);
        using var store = kit.CreateStore(mirrors: [mirror]);

        var path = await store.GetPathAsync("small");

        Assert.StartsWith(kit.Cache, path);
        Assert.Equal(content, await File.ReadAllBytesAsync(path));
        Assert.Equal(ModelLocation.Cached, (await store.VerifyAsync("small")).Location);
    }

    [Fact]
    public async Task Mirror_with_a_wrong_hash_is_refused_and_the_next_mirror_is_used()
    {
        var bad = kit.Folder("bad-mirror");
        var good = kit.Folder("good-mirror");
        ModelTestKit.WriteFile(bad, File1, Corrupted());
        ModelTestKit.WriteFile(good, File1, content);
        kit.AddModel("small", File1, content);
        using var store = kit.CreateStore(mirrors: [bad, good]);

        var path = await store.GetPathAsync("small");

        Assert.Equal(content, await File.ReadAllBytesAsync(path));
        Assert.True(File.Exists(Path.Combine(bad, File1)), "a mirror is read-only: its bad copy must stay untouched");
    }

    [Fact]
    public async Task Mirror_with_a_wrong_hash_falls_through_to_the_download()
    {
        var bad = kit.Folder("bad-mirror");
        ModelTestKit.WriteFile(bad, File1, Corrupted());
        await using var server = new LoopbackFileServer();
        using var http = new HttpClient();
        kit.AddModel("small", File1, content, server.Add("/small.onnx", content));
        using var store = kit.CreateStore(mirrors: [bad], http: http);

        var path = await store.GetPathAsync("small");

        Assert.Equal(1, server.Requests);
        Assert.Equal(content, await File.ReadAllBytesAsync(path));
    }

    [Fact]
    public async Task A_corrupt_cached_copy_is_replaced_from_the_mirror()
    {
        var mirror = kit.Folder("mirror");
        ModelTestKit.WriteFile(mirror, File1, content);
        ModelTestKit.WriteFile(kit.Cache, File1, Corrupted());
        kit.AddModel("small", File1, content);
        using var store = kit.CreateStore(mirrors: [mirror]);

        var path = await store.GetPathAsync("small");

        Assert.Equal(content, await File.ReadAllBytesAsync(path));
    }

    [Fact]
    public async Task Verify_reports_a_corrupt_cached_copy_with_the_fix()
    {
        ModelTestKit.WriteFile(kit.Cache, File1, Corrupted());
        kit.AddModel("small", File1, content);
        using var store = kit.CreateStore();

        var status = await store.VerifyAsync("small");

        Assert.False(status.IsHealthy);
        Assert.Equal((ModelLocation.Cached, false), (status.Location, status.HashOk));
        Assert.Contains("likeness models fetch small", status.Problem);
    }

    [Fact]
    public async Task List_tells_cached_mirror_and_missing_apart()
    {
        var mirror = kit.Folder("mirror");
        ModelTestKit.WriteFile(kit.Cache, "a.onnx", content);
        ModelTestKit.WriteFile(mirror, "b.onnx", content);
        kit.AddModel("a", "a.onnx", content);
        kit.AddModel("b", "b.onnx", content);
        kit.AddModel("c", "c.onnx", content);
        using var store = kit.CreateStore(mirrors: [mirror]);

        var list = await store.ListAsync();

        Assert.Equal([ModelLocation.Cached, ModelLocation.Mirror, ModelLocation.Missing], list.Select(s => s.Location));
    }

    public void Dispose() => kit.Dispose();
}
