using Microsoft.Extensions.Logging;

namespace Likeness.Cli.Commands;

/// <summary>
/// The CLI's logger: warnings and errors of the engine (a matting gate that is unavailable, a corrupt cached model
/// that was deleted) go to stderr as one line each, so they are seen without drowning the progress bars.
/// </summary>
internal sealed class StderrLoggerFactory : ILoggerFactory
{
    public static readonly StderrLoggerFactory Instance = new();

    public ILogger CreateLogger(string categoryName) => new StderrLogger();
    public void AddProvider(ILoggerProvider provider) { }
    public void Dispose() { }

    sealed class StderrLogger : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            Console.Error.WriteLine($"{(logLevel >= LogLevel.Error ? "error" : "warning")}: {formatter(state, exception)}");
        }
    }
}
