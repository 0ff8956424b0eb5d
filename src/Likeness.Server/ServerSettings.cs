using Likeness.Server.Data;

namespace Likeness.Server;

/// <summary>What `likeness serve` passes in; everything else comes from configuration (`Likeness:*`, env `Likeness__*`).</summary>
public sealed class ServerSettings
{
    public string Urls { get; set; } = "http://127.0.0.1:5080";
    public string DataPath { get; set; } = "./data";
    public DatabaseOptions Database { get; set; } = new();

    /// <summary>Which parts run in this process: API and jobs (default), API only, or jobs only (`likeness worker`).</summary>
    public ServerRole Role { get; set; } = ServerRole.All;

    /// <summary>Extra configuration keys (e.g. "Likeness:Jobs:Concurrency") layered over the defaults.</summary>
    public Dictionary<string, string?> Configuration { get; set; } = [];

    /// <summary>Where start-up messages (token, address) go; the CLI passes the console.</summary>
    public TextWriter Out { get; set; } = TextWriter.Null;
}

public enum ServerRole
{
    /// <summary>REST API and job worker in one process (the single-machine default).</summary>
    All,
    /// <summary>REST API only (`serve --no-worker`): jobs are run by `likeness worker` processes sharing PostgreSQL.</summary>
    Api,
    /// <summary>Job worker only (`likeness worker`): no API, just /health.</summary>
    Worker,
}
