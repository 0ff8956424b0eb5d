using System.CommandLine;
using Likeness.Server;

namespace Likeness.Cli.Commands;

public static class UsersCommand
{
    public static Command Create()
    {
        var users = new Command("users", "Manage server users and their API tokens.");
        users.Subcommands.Add(Create("create", "Create a user and print its API token (shown once).", LikenessAdmin.CreateUserAsync));
        users.Subcommands.Add(Create("token", "Issue another API token for an existing user.", LikenessAdmin.IssueTokenAsync));

        var list = new Command("list", "List users.");
        var listOptions = ServerCliOptions.AddTo(list);
        list.SetAction(async (parse, ct) =>
        {
            if (listOptions.Settings(parse) is not { } settings) return 2;
            foreach (var (name, created, tokens) in await LikenessAdmin.ListUsersAsync(settings, ct))
                Console.WriteLine($"{name}\tcreated {created:u}\t{tokens} token(s)");
            return 0;
        });
        users.Subcommands.Add(list);
        return users;
    }

    static Command Create(string verb, string description, Func<ServerSettings, string, CancellationToken, Task<string>> action)
    {
        var command = new Command(verb, description);
        var name = new Argument<string>("name") { Description = "User name." };
        command.Arguments.Add(name);
        var options = ServerCliOptions.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            if (options.Settings(parse) is not { } settings) return 2;
            try
            {
                Console.WriteLine(await action(settings, parse.GetValue(name)!.Trim(), ct));
                return 0;
            }
            catch (InvalidOperationException e)
            {
                Console.Error.WriteLine(e.Message);
                return 1;
            }
        });
        return command;
    }
}
