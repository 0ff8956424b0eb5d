using System.CommandLine;
using Likeness.Server;
using Likeness.Server.Data;
using Microsoft.Extensions.Hosting;

namespace Likeness.Cli.Commands;

public static class ServeCommand
{
    public static Command Create()
    {
        var command = new Command("serve", "Run the Likeness REST server (SQLite in --data by default; the first start prints an API token).");
        var options = ServerCliOptions.AddTo(command);
        var urls = new Option<string>("--urls") { Description = "Addresses to listen on.", DefaultValueFactory = _ => "http://127.0.0.1:5080" };
        var noWorker = new Option<bool>("--no-worker") { Description = "API only: jobs are run by `likeness worker` processes on the same PostgreSQL (needs --db postgres)." };
        command.Options.Add(urls);
        command.Options.Add(noWorker);
        command.SetAction(async (parse, ct) =>
        {
            if (options.Settings(parse) is not { } settings) return 2;
            if (parse.GetValue(noWorker))
            {
                if (settings.Database.Provider != DatabaseProvider.Postgres)
                {
                    Console.Error.WriteLine("--no-worker needs --db postgres --connection \"...\": with SQLite nothing else could run the jobs.");
                    return 2;
                }
                settings.Role = ServerRole.Api;
            }
            settings.Urls = parse.GetValue(urls)!;
            settings.Out = Console.Out;
            await using var app = await LikenessServer.StartAsync(settings, ct);
            Console.WriteLine("Press Ctrl+C to stop.");
            await app.WaitForShutdownAsync(ct);
            return 0;
        });
        return command;
    }
}

/// <summary>--data, --db and --connection, shared by `serve` and `users`.</summary>
public sealed class ServerCliOptions
{
    public required Option<string> Data { get; init; }
    public required Option<string> Db { get; init; }
    public required Option<string?> Connection { get; init; }

    public static ServerCliOptions AddTo(Command command)
    {
        var o = new ServerCliOptions
        {
            Data = new Option<string>("--data") { Description = "Folder for the SQLite database and blobs.", DefaultValueFactory = _ => "./data" },
            Db = new Option<string>("--db") { Description = "Database: sqlite or postgres.", DefaultValueFactory = _ => "sqlite" },
            Connection = new Option<string?>("--connection") { Description = "Connection string (required for postgres; tools/postgres.sh prints one)." },
        };
        o.Db.AcceptOnlyFromAmong("sqlite", "postgres");
        command.Options.Add(o.Data);
        command.Options.Add(o.Db);
        command.Options.Add(o.Connection);
        return o;
    }

    public ServerSettings? Settings(ParseResult parse)
    {
        var provider = parse.GetValue(Db) == "postgres" ? DatabaseProvider.Postgres : DatabaseProvider.Sqlite;
        var connection = parse.GetValue(Connection);
        if (provider == DatabaseProvider.Postgres && string.IsNullOrWhiteSpace(connection))
        {
            Console.Error.WriteLine("--db postgres needs --connection \"Host=127.0.0.1;Port=5432;Database=likeness;Username=...;Password=...\" (tools/postgres.sh start prints one).");
            return null;
        }
        return new ServerSettings
        {
            DataPath = parse.GetValue(Data)!,
            Database = new DatabaseOptions { Provider = provider, ConnectionString = connection },
        };
    }
}
