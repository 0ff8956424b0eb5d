using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Likeness.Server.Tests.Support;

/// <summary>`likeness serve` (or `likeness worker`) as a separate OS process (so tests can kill -9 it), on a free loopback port.</summary>
public sealed partial class ServerProcess : IAsyncDisposable
{
    readonly Process process;
    readonly List<string> output = [];
    public Uri BaseAddress { get; private set; } = null!;
    public string? PrintedToken { get; private set; }

    ServerProcess(Process process) => this.process = process;

    public string Output { get { lock (output) return string.Join('\n', output); } }

    public int Id => process.Id;
    public bool HasExited => process.HasExited;

    /// <param name="command">`serve` (default), `serve --no-worker` or `worker --concurrency 1`: the process prints "Listening on" when ready.</param>
    public static async Task<ServerProcess> StartAsync(string dataPath, TestDatabase database, IDictionary<string, string>? environment = null, string command = "serve")
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "likeness.dll");
        var info = new ProcessStartInfo("dotnet", $"\"{dll}\" {command} --urls http://127.0.0.1:0 --data \"{dataPath}\" {database.CliArguments}")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        info.Environment["Likeness__Jobs__EnableTestSteps"] = "true";
        info.Environment["Likeness__Jobs__RetryBaseDelay"] = "00:00:00.100";
        // PostgreSQL: a killed server's jobs are taken over when their lease expires; keep that short in tests.
        info.Environment["Likeness__Jobs__LeaseTime"] = "00:00:03";
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) info.Environment[k] = v;
        var server = new ServerProcess(Process.Start(info)!);
        var listening = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnLine(string? line)
        {
            if (line is null) return;
            lock (server.output) server.output.Add(line);
            if (TokenLine().Match(line) is { Success: true } token) server.PrintedToken = token.Groups[1].Value;
            if (line.StartsWith("Listening on ")) listening.TrySetResult(line["Listening on ".Length..].Trim());
        }
        server.process.OutputDataReceived += (_, e) => OnLine(e.Data);
        server.process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        server.process.BeginOutputReadLine();
        server.process.BeginErrorReadLine();
        var exited = server.process.WaitForExitAsync();
        var first = await Task.WhenAny(listening.Task, exited, Task.Delay(TimeSpan.FromSeconds(60)));
        if (first != listening.Task)
        {
            await server.DisposeAsync();
            throw new InvalidOperationException($"likeness {command} did not start:\n{server.Output}");
        }
        server.BaseAddress = new Uri(await listening.Task);
        return server;
    }

    /// <summary>An HTTP client for this process's API with the given bearer token.</summary>
    public HttpClient Client(string token) =>
        new() { BaseAddress = BaseAddress, DefaultRequestHeaders = { Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token) } };

    /// <summary>SIGKILL: no shutdown hooks run, exactly like a crash.</summary>
    public async Task KillAsync()
    {
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited) await KillAsync();
        process.Dispose();
    }

    [GeneratedRegex("API token \\(shown once, keep it\\): (lk_[A-Za-z0-9_-]+)")]
    private static partial Regex TokenLine();
}
