using System.CommandLine;
using Likeness.Server;
using Likeness.Server.Data;
using Microsoft.Extensions.Hosting;

namespace Likeness.Cli.Commands;

/// <summary>`likeness worker`: runs jobs from the PostgreSQL queue that API nodes (`serve --no-worker`) fill.</summary>
public static class WorkerCommand
{
    public static Command Create()
    {
        var command = new Command("worker",
            "Run jobs from a shared PostgreSQL queue (one of N workers; API nodes run `likeness serve --no-worker`). Blobs must be shared too: Likeness:Blobs:Store=s3, or one folder for --data.");
        var options = ServerCliOptions.AddTo(command);
        var urls = new Option<string>("--urls") { Description = "Where the worker answers /health.", DefaultValueFactory = _ => "http://127.0.0.1:0" };
        var concurrency = new Option<int?>("--concurrency") { Description = "Jobs this worker runs at once (default Likeness:Jobs:Concurrency, 2)." };
        command.Options.Add(urls);
        command.Options.Add(concurrency);
        command.SetAction(async (parse, ct) =>
        {
            if (options.Settings(parse) is not { } settings) return 2;
            if (settings.Database.Provider != DatabaseProvider.Postgres)
            {
                Console.Error.WriteLine("likeness worker needs --db postgres --connection \"...\": workers share their queue through PostgreSQL (with SQLite, `likeness serve` runs the jobs itself).");
                return 2;
            }
            settings.Role = ServerRole.Worker;
            settings.Urls = parse.GetValue(urls)!;
            settings.Out = Console.Out;
            if (parse.GetValue(concurrency) is { } n)
            {
                if (n < 1) { Console.Error.WriteLine("--concurrency must be at least 1."); return 2; }
                settings.Configuration["Likeness:Jobs:Concurrency"] = n.ToString();
            }
            await using var app = await LikenessServer.StartAsync(settings, ct);
            Console.WriteLine("Press Ctrl+C to stop (running steps go back to the queue).");
            await app.WaitForShutdownAsync(ct);
            return 0;
        });
        return command;
    }
}
