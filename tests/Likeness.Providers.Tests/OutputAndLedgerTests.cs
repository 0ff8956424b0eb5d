using Likeness.Providers.Costs;
using Likeness.Providers.Outputs;
using Likeness.Providers.Tests.Fakes;

namespace Likeness.Providers.Tests;

public sealed class OutputAndLedgerTests : IAsyncLifetime
{
    readonly Harness _h = new();
    FakeFal _fal = null!;

    public async Task InitializeAsync() => _fal = await FakeFal.StartAsync(_h.Clock);
    public async Task DisposeAsync() { await _fal.DisposeAsync(); _h.Dispose(); }

    OutputDownloader Downloader(DownloadOptions? options = null) => new(_h.Store, options ?? _h.Downloads);

    [Theory]
    [InlineData("http://cdn.example/a.png", "only https")]
    [InlineData("https://127.0.0.1/a.png", "loopback")]
    [InlineData("https://localhost/a.png", "loopback")]
    [InlineData("https://10.1.2.3/a.png", "private or reserved address 10.1.2.3")]
    [InlineData("https://169.254.169.254/latest/meta-data", "private or reserved")]
    [InlineData("https://[::1]/a.png", "loopback")]
    [InlineData("https://user:pw@cdn.example/a.png", "credentials")]
    [InlineData("file:///etc/passwd", "only https")]
    public async Task Unsafe_output_urls_are_refused_without_a_request(string url, string reason)
    {
        using var downloader = Downloader(new DownloadOptions());
        var ex = await Assert.ThrowsAsync<ProviderException>(() => downloader.StoreAsync(new ProviderOutput(OutputRole.Image, url), "fal", default));
        Assert.Equal(FailureKind.OutputUnavailable, ex.Kind);
        Assert.Contains(reason, ex.Message);
    }

    [Theory]
    [InlineData("8.8.8.8", false)]
    [InlineData("172.16.0.1", true)]
    [InlineData("172.32.0.1", false)]
    [InlineData("100.64.1.1", true)]
    [InlineData("192.168.1.1", true)]
    [InlineData("fd00::1", true)]
    [InlineData("fe80::1", true)]
    [InlineData("::ffff:127.0.0.1", true)]
    [InlineData("2606:4700::1111", false)]
    public void Private_ranges_are_recognised(string address, bool isPrivate)
        => Assert.Equal(isPrivate, OutboundUrlPolicy.IsPrivate(System.Net.IPAddress.Parse(address)));

    [Fact]
    public async Task The_connect_time_guard_refuses_private_addresses_whatever_the_url_said()
    {
        // What protects against DNS names (or redirects) that lead inside: the socket connect itself is checked.
        using var http = new HttpClient(OutboundUrlPolicy.CreateHandler(new OutboundUrlOptions { AllowHttp = true }));
        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(_fal.FilesBase + "/out-1.png"));
        Assert.Contains("private or reserved", ex.Message);
        Assert.Empty(_fal.Server.Requests);
    }

    [Fact]
    public async Task Html_pages_and_fake_images_are_not_stored()
    {
        _fal.Files.Put("page.png", "<html>login</html>"u8.ToArray(), "text/html");
        _fal.Files.Put("junk.png", [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], "image/png");
        using var downloader = Downloader();
        var html = await Assert.ThrowsAsync<ProviderException>(() => downloader.StoreAsync(new ProviderOutput(OutputRole.Image, _fal.FilesBase + "/page.png"), "fal", default));
        Assert.Contains("is text/html, not an image", html.Message);
        var junk = await Assert.ThrowsAsync<ProviderException>(() => downloader.StoreAsync(new ProviderOutput(OutputRole.Image, _fal.FilesBase + "/junk.png"), "fal", default));
        Assert.Contains("not a readable image", junk.Message);
        Assert.Empty(Directory.EnumerateFiles(_h.Store.Root, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Oversized_outputs_and_non_safetensors_loras_are_refused()
    {
        using var small = Downloader(new DownloadOptions { Url = _h.Downloads.Url, MaxImageBytes = 100 });
        var big = await Assert.ThrowsAsync<ProviderException>(() => small.StoreAsync(new ProviderOutput(OutputRole.Image, _fal.FilesBase + "/out-1.png"), "fal", default));
        Assert.Contains("over the 100-byte limit", big.Message);
        using var downloader = Downloader();
        var lora = await Assert.ThrowsAsync<ProviderException>(() => downloader.StoreAsync(new ProviderOutput(OutputRole.LoraWeights, _fal.FilesBase + "/out-1.png"), "fal", default));
        Assert.Contains("not in safetensors format", lora.Message);
    }

    [Fact]
    public async Task Store_is_content_addressed()
    {
        using var downloader = Downloader();
        var png = TestFiles.Png(10, 10);
        var a = await downloader.StoreAsync(new ProviderOutput(OutputRole.Image, Bytes: png, ContentType: "image/png"), "gemini", default);
        var b = await downloader.StoreAsync(new ProviderOutput(OutputRole.Image, Bytes: png), "gemini", default);
        Assert.Equal(a.Key, b.Key);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(png)) + ".png", a.Key);
        Assert.Equal(png.Length, a.Size);
        Assert.Null(await _h.Store.OpenAsync("../../etc/passwd", default));
    }

    [Fact]
    public async Task Json_lines_ledger_survives_reopening_and_a_torn_last_line()
    {
        var path = Path.Combine(_h.Dir, "ledger", "costs.jsonl");
        var ledger = new JsonLinesCostLedger(path);
        var entry = new CostEntry
        {
            At = ManualClock.Start, UserId = "alice", Provider = "fal", Model = "fal-ai/flux-lora", Operation = GenerationOperation.TextToImage,
            Outcome = CostOutcome.Succeeded, Units = 2, Unit = PriceUnit.Megapixel, EstimatedUsd = 0.07m, Duration = TimeSpan.FromSeconds(4), HttpAttempts = 5,
        };
        await ledger.AppendAsync(entry, default);
        await File.AppendAllTextAsync(path, "{\"at\":\"2026-01-15T12:00:00+00:00\",\"userId\":\"ali"); // crash mid-write
        await new JsonLinesCostLedger(path).AppendAsync(entry with { UserId = "bob", EstimatedUsd = 0.5m }, default);

        var reopened = new JsonLinesCostLedger(path);
        Assert.Equal(0.07m, await reopened.SpentAsync("alice", DateTimeOffset.MinValue, default));
        Assert.Equal(0.5m, await reopened.SpentAsync("bob", DateTimeOffset.MinValue, default));
        var row = (await reopened.ListAsync("alice", DateTimeOffset.MinValue, default)).Single();
        Assert.Equal(entry, row);
        Assert.Contains("\"outcome\":\"Succeeded\"", File.ReadAllLines(path)[0]);
        Assert.Equal(0m, await reopened.SpentAsync("alice", ManualClock.Start.AddDays(1), default));
    }

    [Fact]
    public async Task Service_writes_the_durable_ledger()
    {
        _h.Ledger = new JsonLinesCostLedger(Path.Combine(_h.Dir, "costs.jsonl"));
        _h.AddFal(_fal);
        await _h.Service().RunAsync(new GenerationRequest { Operation = GenerationOperation.TextToImage, Prompt = "x" }, _h.Context(), default);
        var line = Assert.Single(File.ReadAllLines(Path.Combine(_h.Dir, "costs.jsonl")));
        Assert.Contains("\"provider\":\"fal\"", line);
        Assert.Contains("\"requestId\":\"req-0001\"", line);
    }
}
