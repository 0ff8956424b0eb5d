namespace Likeness.Providers;

/// <summary>One retry the policy made: why, how long it waited, when it started waiting.</summary>
public sealed record RetryRecord(FailureKind Kind, TimeSpan Delay, DateTimeOffset At, int? StatusCode);

/// <summary>
/// State of one route attempt (provider + model) shared by its HTTP calls: deadline, progress sink,
/// and the attempts/retries made, which end up in logs and the cost ledger.
/// </summary>
public sealed class ProviderCall
{
    readonly List<RetryRecord> _retries = [];
    IProgress<ProviderStatus>? _progress;

    public ProviderCall(string provider, string model, DateTimeOffset deadline, IProgress<ProviderStatus>? progress = null)
    {
        Provider = provider;
        Model = model;
        Deadline = deadline;
        _progress = progress;
    }

    public string Provider { get; }
    public string Model { get; }
    /// <summary>Past this instant no retry starts: the route gives up and the service falls back.</summary>
    public DateTimeOffset Deadline { get; }
    /// <summary>Overload retries stop here (at most <see cref="Deadline"/>) so a fallback route still has time.</summary>
    public DateTimeOffset OverloadDeadline { get => _overloadDeadline ?? Deadline; init => _overloadDeadline = value < Deadline ? value : Deadline; }
    readonly DateTimeOffset? _overloadDeadline;
    public string? RequestId { get; set; }
    public int HttpAttempts { get; private set; }

    public IReadOnlyList<RetryRecord> Retries { get { lock (_retries) return _retries.ToArray(); } }

    internal void CountAttempt() => HttpAttempts++;
    internal void AddRetry(RetryRecord retry) { lock (_retries) _retries.Add(retry); }

    public void Report(ProviderPhase phase, int? queuePosition = null, IReadOnlyList<string>? logs = null, string? message = null)
        => _progress?.Report(new ProviderStatus(phase, Provider, Model, RequestId, queuePosition, logs, message));
}
