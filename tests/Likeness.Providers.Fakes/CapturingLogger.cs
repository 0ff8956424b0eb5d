using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Likeness.Providers.Tests.Fakes;

/// <summary>Keeps every formatted log line (and exception text) so tests can grep them for secrets.</summary>
public sealed class CapturingLoggerFactory : ILoggerFactory
{
    public ConcurrentQueue<string> Lines { get; } = new();
    public string All => string.Join("\n", Lines);

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);
    public void AddProvider(ILoggerProvider provider) { }
    public void Dispose() { }

    sealed class Logger(CapturingLoggerFactory factory, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            => factory.Lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
    }
}
