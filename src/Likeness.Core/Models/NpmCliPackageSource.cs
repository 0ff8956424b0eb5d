using System.ComponentModel;
using System.Diagnostics;

namespace Likeness.Models;

/// <summary>Runs <c>npm pack SPEC --pack-destination DIR</c> (no shell, no package scripts).</summary>
public sealed class NpmCliPackageSource(string npmCommand = "npm") : INpmPackageSource
{
    public async Task<string> FetchTarballAsync(string packageSpec, string destinationDirectory, CancellationToken ct)
    {
        var start = new ProcessStartInfo(npmCommand)
        {
            ArgumentList = { "pack", packageSpec, "--pack-destination", destinationDirectory, "--ignore-scripts" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = destinationDirectory,
        };
        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException(
                $"Could not run '{npmCommand}' ({e.Message}); install Node.js with npm, set ModelStoreOptions.NpmCommand, or use a mirror folder.", e);
        }

        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            await process.WaitForExitAsync(ct);
        }
        catch (OperationCanceledException)
        {
            try { process.Kill(entireProcessTree: true); }
            catch (InvalidOperationException) { /* already exited */ }
            throw;
        }
        await Task.WhenAll(stdout, stderr);
        if (process.ExitCode != 0)
            throw new IOException($"`{npmCommand} pack {packageSpec}` failed with exit code {process.ExitCode}: {Tail(await stderr)}. Check network access to the npm registry (npm config get registry).");

        var tarballs = Directory.GetFiles(destinationDirectory, "*.tgz");
        return tarballs.Length == 1
            ? tarballs[0]
            : throw new IOException($"`{npmCommand} pack {packageSpec}` produced {tarballs.Length} .tgz files in {destinationDirectory} (expected 1); output: {Tail(await stdout)}");
    }

    static string Tail(string text)
    {
        var trimmed = text.Trim();
        return trimmed.Length <= 800 ? trimmed : "..." + trimmed[^800..];
    }
}
