using Likeness.Models;

namespace Likeness.Tests.Models;

public sealed class ModelStoreHttpTests : IDisposable
{
    const string File1 = "detect/tiny.onnx";
    readonly ModelTestKit kit = new();
    readonly HttpClient http = new();
    readonly byte[] content = ModelTestKit.RandomBytes(300_000, seed: 1);

    [Fact]
    public async Task Download_is_verified_and_lands_in_the_cache()
    {
        await using var server = new LoopbackFileServer();
        kit.AddModel("tiny", File1, content, server.Add("/tiny.onnx", content));
        using var store = kit.CreateStore(http: http);
        var progress = new RecordingProgress();

        var path = await store.GetPathAsync("tiny", progress);

        Assert.Equal(Path.Combine(kit.Cache, "detect", "tiny.onnx"), path);
        Assert.Equal(content, await File.ReadAllBytesAsync(path));
        Assert.Equal(1, server.Requests);
        var last = progress.Reports[^1];
        Assert.Equal((ModelSourceKind.Download, content.Length, content.Length), (last.Source, last.BytesDone, last.TotalBytes));
        Assert.Equal([path], kit.CacheFiles());
    }

    [Fact]
    public async Task A_cached_model_is_used_without_a_request()
    {
        await using var server = new LoopbackFileServer();
        kit.AddModel("tiny", File1, content, server.Add("/tiny.onnx", content));
        using (var first = kit.CreateStore(http: http)) await first.GetPathAsync("tiny");

        using var second = kit.CreateStore(http: http);
        var path = await second.GetPathAsync("tiny");

        Assert.Equal(1, server.Requests);
        Assert.Equal(content, await File.ReadAllBytesAsync(path));
    }

    [Fact]
    public async Task Corrupted_download_is_rejected_naming_both_hashes_and_leaves_nothing()
    {
        await using var server = new LoopbackFileServer { Mode = LoopbackFileServer.Behaviour.FlipByte };
        kit.AddModel("tiny", File1, content, server.Add("/tiny.onnx", content));
        using var store = kit.CreateStore(http: http);
        var flipped = (byte[])content.Clone();
        flipped[flipped.Length / 2] ^= 0xFF;

        var error = await Assert.ThrowsAsync<ModelUnavailableException>(() => store.GetPathAsync("tiny"));

        Assert.Contains(ModelTestKit.Sha256(content), error.Message);
        Assert.Contains(ModelTestKit.Sha256(flipped), error.Message);
        Assert.Contains(error.Attempts, a => a.Source == ModelSourceKind.Download && a.Outcome.Contains("sha256 mismatch"));
        Assert.Empty(kit.CacheFiles());
    }

    [Fact]
    public async Task Interrupted_download_leaves_no_partial_file()
    {
        await using var server = new LoopbackFileServer { Mode = LoopbackFileServer.Behaviour.CloseMidBody };
        kit.AddModel("tiny", File1, content, server.Add("/tiny.onnx", content));
        using var store = kit.CreateStore(http: http);

        var error = await Assert.ThrowsAsync<ModelUnavailableException>(() => store.GetPathAsync("tiny"));

        Assert.Contains(error.Attempts, a => a.Source == ModelSourceKind.Download);
        Assert.Empty(kit.CacheFiles());
    }

    [Fact]
    public async Task Cancelled_download_leaves_no_partial_file()
    {
        await using var server = new LoopbackFileServer { Mode = LoopbackFileServer.Behaviour.StallMidBody };
        kit.AddModel("tiny", File1, content, server.Add("/tiny.onnx", content));
        using var store = kit.CreateStore(http: http);
        using var cancel = new CancellationTokenSource();
        string[] filesWhileDownloading = [];
        var progress = new RecordingProgress(p =>
        {
            if (p.BytesDone == 0 || cancel.IsCancellationRequested) return;
            filesWhileDownloading = kit.CacheFiles();
            cancel.Cancel();
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.GetPathAsync("tiny", progress, cancel.Token));

        Assert.Contains(filesWhileDownloading, f => f.EndsWith(".partial"));
        Assert.Empty(kit.CacheFiles());
    }

    [Fact]
    public async Task A_stalled_server_fails_after_the_idle_timeout()
    {
        await using var server = new LoopbackFileServer { Mode = LoopbackFileServer.Behaviour.StallMidBody };
        kit.AddModel("tiny", File1, content, server.Add("/tiny.onnx", content));
        using var store = kit.CreateStore(http: http, httpTimeout: TimeSpan.FromMilliseconds(300));

        var error = await Assert.ThrowsAsync<ModelUnavailableException>(() => store.GetPathAsync("tiny"));

        Assert.Contains(error.Attempts, a => a.Outcome.Contains("sent nothing"));
        Assert.Empty(kit.CacheFiles());
    }

    [Fact]
    public async Task Concurrent_callers_share_one_request()
    {
        await using var server = new LoopbackFileServer { HoldBody = new(TaskCreationOptions.RunContinuationsAsynchronously) };
        kit.AddModel("tiny", File1, content, server.Add("/tiny.onnx", content));
        using var store = kit.CreateStore(http: http);

        var first = store.GetPathAsync("tiny");
        await server.FirstRequest.Task;
        var others = Enumerable.Range(0, 4).Select(_ => store.GetPathAsync("tiny")).ToList();
        server.HoldBody.SetResult();
        var paths = await Task.WhenAll(others.Prepend(first));

        Assert.Equal(1, server.Requests);
        Assert.Single(paths.Distinct());
        Assert.Equal(content, await File.ReadAllBytesAsync(paths[0]));
    }

    [Fact]
    public async Task With_downloads_disabled_no_request_is_made_and_the_error_says_so()
    {
        await using var server = new LoopbackFileServer();
        kit.AddModel("tiny", File1, content, server.Add("/tiny.onnx", content));
        using var store = kit.CreateStore(http: http, allowDownload: false);

        var error = await Assert.ThrowsAsync<ModelUnavailableException>(() => store.GetPathAsync("tiny"));

        Assert.Equal(0, server.Requests);
        Assert.Contains("downloads are disabled", error.Message);
    }

    [Fact]
    public async Task When_nothing_works_the_error_lists_every_source_and_the_fix()
    {
        await using var server = new LoopbackFileServer();
        kit.AddModel("tiny", File1, content, server.UrlFor("/absent.onnx"));
        using var store = kit.CreateStore(mirrors: [kit.Folder("empty-mirror")], http: http);

        var error = await Assert.ThrowsAsync<ModelUnavailableException>(() => store.GetPathAsync("tiny"));

        Assert.Equal(
            [ModelSourceKind.Cache, ModelSourceKind.Mirror, ModelSourceKind.Download, ModelSourceKind.Npm],
            error.Attempts.Select(a => a.Source));
        Assert.Contains("HTTP 404", error.Message);
        Assert.Contains("likeness models fetch tiny", error.Message);
        Assert.Contains(ModelStoreOptions.MirrorEnvironmentVariable, error.Message);
    }

    public void Dispose()
    {
        http.Dispose();
        kit.Dispose();
    }
}
