using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Likeness.Server.Blobs;

namespace Likeness.Server.Tests.Support;

/// <summary>
/// A real S3-API server (npm's s3rver, installed by tools/install.sh into .cache/s3rver) on a free loopback port,
/// with one bucket, its data in a temp folder. Not an in-memory fake: the AWS SDK talks HTTP to it.
/// </summary>
public sealed class S3Server : IAsyncDisposable
{
    public const string Bucket = "likeness-test";
    readonly Process process;
    readonly string directory;
    public int Port { get; }
    public string ServiceUrl => $"http://127.0.0.1:{Port}";

    S3Server(Process process, string directory, int port) => (this.process, this.directory, Port) = (process, directory, port);

    public static string Executable()
    {
        var path = System.Environment.GetEnvironmentVariable("LIKENESS_S3RVER") is { Length: > 0 } env ? env
            : Path.Combine(TestPhotos.RepoRoot, ".cache", "s3rver", "node_modules", ".bin", "s3rver");
        if (!File.Exists(path)) throw new SkipException($"{path} is absent: run tools/install.sh (it installs npm's s3rver there) to run the S3 tests");
        return path;
    }

    public static async Task<S3Server> StartAsync()
    {
        var exe = Executable();
        var dir = Directory.CreateTempSubdirectory("likeness-s3-").FullName;
        var port = FreePort();
        var info = new ProcessStartInfo(exe, ["-d", dir, "-a", "127.0.0.1", "-p", port.ToString(), "--silent", "--configure-bucket", Bucket])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        var server = new S3Server(Process.Start(info)!, dir, port);
        server.process.OutputDataReceived += (_, _) => { };
        server.process.ErrorDataReceived += (_, _) => { };
        server.process.BeginOutputReadLine();
        server.process.BeginErrorReadLine();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                using var response = await http.GetAsync($"{server.ServiceUrl}/{Bucket}");
                if (response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Forbidden) return server;
            }
            catch (HttpRequestException) { }
            if (server.process.HasExited || DateTime.UtcNow > deadline)
            {
                await server.DisposeAsync();
                throw new InvalidOperationException($"s3rver did not start on port {port} ({exe}).");
            }
            await Task.Delay(200);
        }
    }

    public S3BlobOptions Options(string prefix = "blobs/") => new()
    {
        ServiceUrl = ServiceUrl, Bucket = Bucket, Prefix = prefix, AccessKey = "S3RVER", SecretKey = "S3RVER", ForcePathStyle = true,
    };

    /// <summary>Configuration keys that point a Likeness process at this server.</summary>
    public Dictionary<string, string> ProcessEnvironment(string prefix = "blobs/") => new()
    {
        ["Likeness__Blobs__Store"] = "s3",
        ["Likeness__Blobs__S3__ServiceUrl"] = ServiceUrl,
        ["Likeness__Blobs__S3__Bucket"] = Bucket,
        ["Likeness__Blobs__S3__Prefix"] = prefix,
        ["Likeness__Blobs__S3__AccessKey"] = "S3RVER",
        ["Likeness__Blobs__S3__SecretKey"] = "S3RVER",
    };

    /// <summary>Stops the server (blobs stay on disk), e.g. to see what clients do during a storage outage.</summary>
    public async Task StopAsync()
    {
        if (process.HasExited) return;
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
    }

    static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        process.Dispose();
        try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
    }
}
