using System.Diagnostics;
using Likeness.Providers.Tests.Fakes;

namespace Likeness.Server.Tests.Support;

/// <summary>
/// Runs the built `likeness` CLI as a user would: a separate process, no provider keys or provider settings inherited
/// from the test environment, wide output. Tests add the variables they need (e.g. <see cref="UseFakeFal"/>).
/// </summary>
public static class CliProcess
{
    static readonly string[] ProviderKeys = ["FAL_KEY", "GEMINI_API_KEY", "GOOGLE_API_KEY", "REPLICATE_API_TOKEN", "HF_TOKEN"];

    public static async Task<(int Exit, string Out, string Err)> RunAsync(IEnumerable<string> arguments, Action<IDictionary<string, string?>>? environment = null)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "likeness.dll"));
        foreach (var a in arguments) info.ArgumentList.Add(a);
        foreach (var name in ProviderKeys) info.Environment.Remove(name);
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("Providers__", StringComparison.OrdinalIgnoreCase)).ToList()) info.Environment.Remove(key);
        info.Environment.Remove("LIKENESS_MODEL_MIRROR"); // tests pass --mirror: a missing model must fail, not be found elsewhere
        info.Environment["COLUMNS"] = "400";
        environment?.Invoke(info.Environment);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Points the CLI at a loopback fal.ai (queue, platform and storage on one server) and a private data folder.</summary>
    public static void UseFakeFal(IDictionary<string, string?> env, FakeFal fal, string dataDirectory)
    {
        env["FAL_KEY"] = FakeFal.Key;
        env["Providers__Fal__BaseUrl"] = fal.Server.Root;
        env["Providers__Fal__PlatformBaseUrl"] = fal.Server.Root + "/v1";
        env["Providers__Fal__StorageBaseUrl"] = fal.Server.Root;
        env["Providers__Fal__PollInterval"] = "00:00:00.050";
        env["Providers__Downloads__Url__AllowHttp"] = "true";
        env["Providers__Downloads__Url__AllowPrivateNetworks"] = "true";
        env["LIKENESS_DATA"] = dataDirectory;
    }
}
