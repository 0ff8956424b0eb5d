using System.CommandLine;

namespace Likeness.Cli.Commands;

public static class VersionCommand
{
    public static Command Create()
    {
        var command = new Command("version", "Print the Likeness version.");
        command.SetAction(_ =>
        {
            Console.WriteLine(typeof(VersionCommand).Assembly.GetName().Version?.ToString() ?? "0.0.0");
            return 0;
        });
        return command;
    }
}
