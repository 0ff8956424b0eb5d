// Server benchmark: `dotnet run -c Release --project tests/Likeness.Server.Bench -- [--seconds 30] [--connections 16] [--jobs 10000]`
// Starts `likeness serve` as a separate process on a loopback port with a fresh data folder (SQLite, or
// PostgreSQL with --connection), then measures GET /jobs/{id}, POST /jobs (enqueue) and POST /compose (enqueue) for --seconds each
// with --connections concurrent keep-alive clients, and the server's resident memory after --jobs jobs.
// `--only compose` runs just the POST /compose scenario (the one that competes with running jobs).
// `-- --workers 1,2,3 --connection ADMIN [--batch 60]`: compose-batch throughput with 1, 2, 3 worker processes (WorkerScaling.cs).
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

if (args.Contains("--workers")) return await WorkerScaling.RunAsync(args);

var seconds = Arg("--seconds", 30);
const int WarmUpSeconds = 3;
var connections = Arg("--connections", 16);
var totalJobs = Arg("--jobs", 10_000);
var connection = args.SkipWhile(a => a != "--connection").Skip(1).FirstOrDefault();
var composeOnly = args.SkipWhile(a => a != "--only").Skip(1).FirstOrDefault() == "compose";
var data = Path.Combine(Path.GetTempPath(), "likeness-bench-" + Guid.NewGuid().ToString("N"));

var dll = Path.Combine(AppContext.BaseDirectory, "likeness.dll");
var db = connection is null ? "" : $"--db postgres --connection \"{connection}\"";
var info = new ProcessStartInfo("dotnet", $"\"{dll}\" serve --urls http://127.0.0.1:0 --data \"{data}\" {db}") { RedirectStandardOutput = true, RedirectStandardError = true };
info.Environment["Logging__LogLevel__Default"] = "Warning";
using var server = Process.Start(info)!;
string? token = null, url = null;
while (url is null && await server.StandardOutput.ReadLineAsync() is { } line)
{
    if (line.Contains("API token (shown once")) token = line[(line.LastIndexOf(' ') + 1)..];
    if (line.StartsWith("Listening on ")) url = line["Listening on ".Length..].Trim();
}
_ = server.StandardOutput.ReadToEndAsync();
_ = server.StandardError.ReadToEndAsync();
if (url is null || token is null) { Console.Error.WriteLine("server did not start"); return 1; }

try
{
    using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = connections }) { BaseAddress = new Uri(url) };
    http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    Console.WriteLine($"likeness serve at {url}, {(connection is null ? "SQLite" : "PostgreSQL")}, {Environment.ProcessorCount} cores, {connections} connections, {seconds} s per scenario");

    var form = new MultipartFormDataContent { { new ByteArrayContent(SmallPng()), "file", "bench.png" }, { new StringContent("SCENE_IMAGE"), "type" } };
    var asset = JsonDocument.Parse(await (await http.PostAsync("/assets", form)).Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();
    if (!composeOnly)
    {
        var probe = await http.PostAsJsonAsync("/jobs", new { kind = "duplicate", input = new { assetId = asset } });
        var jobId = JsonDocument.Parse(await probe.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();

        await Run("GET /jobs/{id}", () => http.GetAsync($"/jobs/{jobId}"));
        // The same with wrk (Debian's C load generator) when it is installed: a lighter client leaves more of the shared
        // cores to the server, so the two lines together separate the server's cost from the .NET client's.
        if (await Wrk($"{url}/jobs/{jobId}", token) is { } wrkLine) Console.WriteLine(wrkLine);
        var created = await Run("POST /jobs (enqueue)", () => http.PostAsJsonAsync("/jobs", new { kind = "duplicate", input = new { assetId = asset } }));

        // Memory after N jobs: top up to N, wait for the queue to drain (bounded), then read the server's RSS.
        var remaining = Math.Max(0, totalJobs - created - 1);
        var start = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, remaining), new ParallelOptions { MaxDegreeOfParallelism = connections },
            async (_, ct) => (await http.PostAsJsonAsync("/jobs", new { kind = "duplicate", input = new { assetId = asset } }, ct)).EnsureSuccessStatusCode());
        var drainDeadline = DateTime.UtcNow.AddMinutes(10);
        int queued;
        do
        {
            await Task.Delay(2000);
            queued = JsonDocument.Parse(await http.GetStringAsync("/jobs?status=queued&pageSize=1")).RootElement.GetProperty("total").GetInt32();
        } while (queued > 0 && DateTime.UtcNow < drainDeadline);
        var total = JsonDocument.Parse(await http.GetStringAsync("/jobs?pageSize=1")).RootElement.GetProperty("total").GetInt32();
        var succeeded = JsonDocument.Parse(await http.GetStringAsync("/jobs?status=succeeded&pageSize=1")).RootElement.GetProperty("total").GetInt32();
        Console.WriteLine($"after {total} jobs ({succeeded} succeeded, {queued} still queued, {start.Elapsed.TotalSeconds:0} s to create and drain the rest): server RSS {Rss(server.Id)} MB");
    }

    // Last, because every accepted compose job then runs the engine (fast matting, colour background) on the same
    // cores: this is the enqueue rate while the server is also working, not an idle-server figure.
    var person = new MultipartFormDataContent { { new ByteArrayContent(File.ReadAllBytes(Samples.Path("astronaut.png"))), "file", "astronaut.png" }, { new StringContent("HEADSHOT"), "type" } };
    var personId = JsonDocument.Parse(await (await http.PostAsync("/assets", person)).Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();
    await Run("POST /compose (enqueue)", () => http.PostAsJsonAsync("/compose", new { personAssetId = personId, background = "#336699", matting = "fast" }));
}
finally
{
    server.Kill(entireProcessTree: true);
    await server.WaitForExitAsync();
    try { Directory.Delete(data, recursive: true); } catch (IOException) { }
}
return 0;

async Task<int> Run(string name, Func<Task<HttpResponseMessage>> request)
{
    // Warm-up under the same load for a few seconds, so tiered JIT has compiled the hot paths (steady state is measured).
    var warm = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, connections).Select(async _ =>
    {
        while (warm.Elapsed.TotalSeconds < WarmUpSeconds) (await request()).Dispose();
    }));
    var deadline = Stopwatch.StartNew();
    var errors = 0;
    var workers = Enumerable.Range(0, connections).Select(async _ =>
    {
        var latencies = new List<double>();
        while (deadline.Elapsed.TotalSeconds < seconds)
        {
            var t = Stopwatch.GetTimestamp();
            using var response = await request();
            latencies.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
            if (!response.IsSuccessStatusCode) Interlocked.Increment(ref errors);
        }
        return latencies;
    }).ToList();
    var all = (await Task.WhenAll(workers)).SelectMany(l => l).Order().ToList();
    double P(double q) => all[Math.Min(all.Count - 1, (int)(q * all.Count))];
    Console.WriteLine($"{name,-22} {all.Count / deadline.Elapsed.TotalSeconds,8:0} req/s   p50 {P(0.50),6:0.0} ms   p99 {P(0.99),6:0.0} ms   errors {errors}");
    return all.Count;
}

async Task<string?> Wrk(string target, string bearer)
{
    var path = Environment.GetEnvironmentVariable("PATH")!.Split(':').Select(d => Path.Combine(d, "wrk")).FirstOrDefault(File.Exists);
    if (path is null) return "GET /jobs/{id} (wrk)     not measured: apt-get install wrk";
    async Task<string> Once(int s)
    {
        var wrk = Process.Start(new ProcessStartInfo(path, $"-t1 -c{connections} -d{s}s --latency -H \"Authorization: Bearer {bearer}\" {target}") { RedirectStandardOutput = true })!;
        var text = await wrk.StandardOutput.ReadToEndAsync();
        await wrk.WaitForExitAsync();
        return text;
    }
    await Once(WarmUpSeconds);
    var output = await Once(seconds);
    string Field(string pattern) => System.Text.RegularExpressions.Regex.Match(output, pattern).Groups[1].Value;
    return $"{"GET /jobs/{id} (wrk)",-22} {double.Parse(Field(@"Requests/sec:\s+([\d.]+)"), System.Globalization.CultureInfo.InvariantCulture),8:0} req/s   p50 {Field(@"50%\s+(\S+)"),9}   p99 {Field(@"99%\s+(\S+)"),9}";
}

int Arg(string name, int fallback) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() is { } v ? int.Parse(v) : fallback;

static long Rss(int pid) =>
    File.ReadLines($"/proc/{pid}/status").Where(l => l.StartsWith("VmRSS:")).Select(l => long.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024).FirstOrDefault();

static byte[] SmallPng() => Convert.FromBase64String(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");
