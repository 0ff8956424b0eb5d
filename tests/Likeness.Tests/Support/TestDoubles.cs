using Likeness.Inference;
using Likeness.Models;
using Microsoft.Extensions.Logging;

namespace Likeness.Tests.Support;

/// <summary>Real sessions, except that one model is reported unavailable (to exercise fallbacks).</summary>
sealed class WithoutModel(IModelSessions inner, string missing) : IModelSessions
{
    public ValueTask<InferenceSession> GetAsync(string modelName, CancellationToken ct = default) =>
        modelName == missing
            ? throw new ModelUnavailableException(ModelManifest.Embedded.Get(modelName), [new ModelSourceAttempt(ModelSourceKind.Cache, "/nowhere", "missing")])
            : inner.GetAsync(modelName, ct);

    public string Sha256Of(string modelName) => inner.Sha256Of(modelName);
}

/// <summary>Keeps what was logged, so tests can assert on warnings.</summary>
sealed class CapturingLogger : ILogger
{
    public List<(LogLevel Level, string Text)> Messages { get; } = [];
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
    public bool IsEnabled(LogLevel logLevel) => true;
    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Messages.Add((logLevel, formatter(state, exception)));
}
