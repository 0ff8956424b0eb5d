using System.Diagnostics;
using Likeness.Providers.Tests.Fakes;

namespace Likeness.Server.Tests;

/// <summary>`likeness providers check` as a user runs it, against the loopback fakes.</summary>
public sealed class ProvidersCheckCliTests : IAsyncLifetime
{
    readonly ManualClock _clock = new();
    FakeGemini _gemini = null!;
    FakeHuggingFace _hf = null!;

    public async Task InitializeAsync()
    {
        _gemini = await FakeGemini.StartAsync(_clock);
        _hf = await FakeHuggingFace.StartAsync(_clock);
    }

    public async Task DisposeAsync()
    {
        await _gemini.DisposeAsync();
        await _hf.DisposeAsync();
    }

    async Task<(int Exit, string Out)> Check(Dictionary<string, string> environment)
    {
        var info = new ProcessStartInfo("dotnet", $"\"{Path.Combine(AppContext.BaseDirectory, "likeness.dll")}\" providers check")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var name in new[] { "FAL_KEY", "GEMINI_API_KEY", "GOOGLE_API_KEY", "REPLICATE_API_TOKEN", "HF_TOKEN" }) info.Environment.Remove(name);
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("Providers__", StringComparison.OrdinalIgnoreCase)).ToList()) info.Environment.Remove(key);
        foreach (var (key, value) in environment) info.Environment[key] = value;
        info.Environment["COLUMNS"] = "400";
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }

    [Fact]
    public async Task Retired_and_unserved_models_are_warned_about_by_name()
    {
        var (exit, output) = await Check(new()
        {
            ["GEMINI_API_KEY"] = FakeGemini.Key,
            ["Providers__Gemini__BaseUrl"] = _gemini.BaseUrl,
            ["Providers__Gemini__Models__ImageEdit__0"] = "gemini-2.5-flash-image",
            ["HF_TOKEN"] = FakeHuggingFace.Key,
            ["Providers__HuggingFace__BaseUrl"] = _hf.Server.Root,
            ["Providers__HuggingFace__HubBaseUrl"] = _hf.Server.Root,
            ["Providers__HuggingFace__Models__DescribeImage__0"] = "Salesforce/blip-image-captioning-large",
        });
        Assert.Equal(0, exit);
        Assert.Contains("2 configured model(s) cannot be used as configured", output);
        Assert.Contains("gemini gemini-2.5-flash-image: not served to this key", output);
        Assert.Contains("huggingface Salesforce/blip-image-captioning-large: the repository exists, but no inference provider serves it", output);
        Assert.DoesNotContain(FakeGemini.Key, output);
        Assert.Contains(_gemini.Server.Requests, r => r.Path == "/v1beta/models");
    }

    [Fact]
    public async Task A_refused_key_fails_the_check()
    {
        var (exit, output) = await Check(new()
        {
            ["HF_TOKEN"] = "hf_wrong_token_000",
            ["Providers__HuggingFace__BaseUrl"] = _hf.Server.Root,
            ["Providers__HuggingFace__HubBaseUrl"] = _hf.Server.Root,
        });
        Assert.Equal(1, exit);
        Assert.Contains("key refused", output);
    }
}
