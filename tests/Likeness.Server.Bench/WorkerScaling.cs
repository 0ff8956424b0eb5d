using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;

/// <summary>
/// `--workers 1,2,3 --connection ADMIN [--batch 60]`: for each worker count, a fresh PostgreSQL database, one API node
/// (`serve --no-worker`) and N `likeness worker --concurrency 1` processes sharing a data folder; a batch of compose jobs
/// (astronaut into rocket.jpg, fast matting) after a warm-up batch, timed from its enqueue until every item ended.
/// </summary>
static class WorkerScaling
{
    public static async Task<int> RunAsync(string[] args)
    {
        var counts = Value(args, "--workers")!.Split(',').Select(int.Parse).ToList();
        var admin = Value(args, "--connection") ?? throw new ArgumentException("--workers needs --connection (an admin connection string; tools/postgres.sh start prints one)");
        var batch = int.Parse(Value(args, "--batch") ?? "60");
        Console.WriteLine($"compose batch of {batch} through PostgreSQL, {Environment.ProcessorCount} cores; workers run one job at a time");
        double? single = null;
        foreach (var n in counts)
        {
            var (seconds, ok) = await OneRunAsync(admin, n, batch);
            single ??= seconds;
            Console.WriteLine($"{n} worker(s): {batch} jobs in {seconds,6:0.0} s = {batch / seconds * 60,6:0.0} jobs/min, {ok} succeeded, speed-up vs the first row {single / seconds:0.00}x");
        }
        return 0;
    }

    static async Task<(double Seconds, int Succeeded)> OneRunAsync(string admin, int workers, int batch)
    {
        var name = "lk_bench_" + Guid.NewGuid().ToString("N")[..10];
        await Sql(admin, $"CREATE DATABASE {name}");
        var connection = new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
        var data = Path.Combine(Path.GetTempPath(), "likeness-bench-" + Guid.NewGuid().ToString("N"));
        var processes = new List<Process>();
        try
        {
            var (api, url, token) = await StartAsync($"serve --no-worker --urls http://127.0.0.1:0 --data \"{data}\" --db postgres --connection \"{connection}\"", wantToken: true);
            processes.Add(api);
            for (var i = 0; i < workers; i++)
                processes.Add((await StartAsync($"worker --concurrency 1 --data \"{data}\" --db postgres --connection \"{connection}\"", wantToken: false)).Process);
            using var http = new HttpClient { BaseAddress = new Uri(url) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            var person = await Upload(http, "astronaut.png", "HEADSHOT");
            var scene = await Upload(http, "rocket.jpg", "BACKGROUND");
            // Warm-up (not timed): every worker loads its models and JIT-compiles on its first jobs.
            await RunBatchAsync(http, person, scene, 3 * workers);
            var before = processes.Select(CpuSeconds).ToList();
            var clock = Stopwatch.StartNew();
            var succeeded = await RunBatchAsync(http, person, scene, batch);
            var wall = clock.Elapsed.TotalSeconds;
            var used = processes.Select((p, i) => CpuSeconds(p) - before[i]).ToList();
            Console.WriteLine($"  CPU seconds during the batch: API node {used[0]:0.0}, workers {string.Join(" + ", used.Skip(1).Select(u => u.ToString("0.0")))} " +
                $"= {used.Sum() / wall:0.00} cores busy of {Environment.ProcessorCount} (PostgreSQL and this client not counted)");
            return (wall, succeeded);
        }
        finally
        {
            foreach (var p in processes) { try { p.Kill(entireProcessTree: true); await p.WaitForExitAsync(); } catch (InvalidOperationException) { } }
            NpgsqlConnection.ClearAllPools();
            await Sql(admin, $"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
            try { Directory.Delete(data, recursive: true); } catch (IOException) { }
        }
    }

    static async Task<int> RunBatchAsync(HttpClient http, Guid person, Guid scene, int count)
    {
        var items = Enumerable.Range(0, count).Select(_ => new { personAssetId = person, sceneAssetId = scene, matting = "fast" }).ToList();
        var created = await http.PostAsJsonAsync("/jobs", new { kind = "compose", items });
        created.EnsureSuccessStatusCode();
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();
        while (true)
        {
            var job = JsonDocument.Parse(await http.GetStringAsync($"/jobs/{id}")).RootElement;
            if (job.GetProperty("status").GetString() is "succeeded" or "failed" or "canceled")
                return job.GetProperty("items").GetProperty("succeeded").GetInt32();
            await Task.Delay(200);
        }
    }

    static async Task<(Process Process, string Url, string Token)> StartAsync(string arguments, bool wantToken)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "likeness.dll");
        var info = new ProcessStartInfo("dotnet", $"\"{dll}\" {arguments}") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        var process = Process.Start(info)!;
        string? token = null, url = null;
        while (url is null && await process.StandardOutput.ReadLineAsync() is { } line)
        {
            if (line.Contains("API token (shown once")) token = line[(line.LastIndexOf(' ') + 1)..];
            if (line.StartsWith("Listening on ")) url = line["Listening on ".Length..].Trim();
        }
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        if (url is null || (wantToken && token is null)) throw new InvalidOperationException($"likeness {arguments} did not start");
        return (process, url, token ?? "");
    }

    static async Task<Guid> Upload(HttpClient http, string sample, string type)
    {
        var form = new MultipartFormDataContent { { new ByteArrayContent(File.ReadAllBytes(Samples.Path(sample))), "file", sample }, { new StringContent(type), "type" } };
        var response = await http.PostAsync("/assets", form);
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();
    }

    static async Task Sql(string connection, string sql)
    {
        await using var c = new NpgsqlConnection(connection);
        await c.OpenAsync();
        await using var command = new NpgsqlCommand(sql, c);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>utime + stime of a process from /proc (clock ticks of 10 ms on Linux).</summary>
    static double CpuSeconds(Process p)
    {
        var fields = File.ReadAllText($"/proc/{p.Id}/stat").Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return (long.Parse(fields[11]) + long.Parse(fields[12])) / 100.0;
    }

    static string? Value(string[] args, string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
}

/// <summary>The repository's bundled samples, found above the bench's output folder (used by Program.cs and WorkerScaling).</summary>
static class Samples
{
    public static string Path(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "samples", name))) return System.IO.Path.Combine(dir.FullName, "samples", name);
        throw new FileNotFoundException($"samples/{name} not found above {AppContext.BaseDirectory}; run the bench from the repository.");
    }
}
