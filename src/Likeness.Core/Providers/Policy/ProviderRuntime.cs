using System.Text.Json;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;

namespace Likeness.Providers.Policy;

/// <summary>Turns a non-success HTTP answer into a classified, secret-free <see cref="ProviderException"/>.</summary>
public delegate ProviderException ErrorMapper(HttpResponseMessage response, string body, ProviderCall call);

/// <summary>One HTTP exchange as the policy sees it: how to build the request and how to read a success.</summary>
public sealed record ProviderHttpStep<T>(
    Func<HttpRequestMessage> Build,
    Func<HttpResponseMessage, CancellationToken, Task<T>> Read,
    bool TakesRateToken = true);

/// <summary>
/// Everything shared by the calls to one provider: the per-error-class retry loop, the rate gate and the
/// circuit breaker (Polly). All waits run on <see cref="TimeProvider"/>, so tests use a fake clock.
/// </summary>
public sealed class ProviderRuntime : IDisposable
{
    const int MaxErrorBodyChars = 16_384;
    readonly ProviderOptions _options;
    readonly ErrorMapper _mapError;
    readonly ILogger _log;
    readonly Random _random;
    readonly ResiliencePipeline _circuit;
    readonly CircuitBreakerStateProvider _circuitState = new();
    string? _lastFailure;
    DateTimeOffset? _lastFailureAt;
    DateTimeOffset _openUntil;

    public ProviderRuntime(string provider, string display, ProviderOptions options, ErrorMapper mapError, TimeProvider time, ILogger log, Random? random = null)
    {
        Provider = provider;
        Display = display;
        _options = options;
        _mapError = mapError;
        Time = time;
        _log = log;
        _random = random ?? Random.Shared;
        RateGate = new ProviderRateGate(options.RateLimit, time);
        var breaker = options.CircuitBreaker;
        _circuit = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                FailureRatio = breaker.FailureRatio,
                MinimumThroughput = Math.Max(2, breaker.MinimumThroughput),
                SamplingDuration = breaker.SamplingDuration,
                BreakDuration = breaker.BreakDuration,
                StateProvider = _circuitState,
                ShouldHandle = new PredicateBuilder().Handle<ProviderException>(e => e.Kind.CountsAgainstProvider()),
                OnOpened = args =>
                {
                    _openUntil = Time.GetUtcNow() + args.BreakDuration;
                    _log.LogWarning("{Provider} circuit opened for {Break} after repeated failures", Provider, args.BreakDuration);
                    return default;
                },
                OnClosed = _ => { _log.LogInformation("{Provider} circuit closed again", Provider); return default; },
            })
            .Build();
    }

    public string Provider { get; }
    public string Display { get; }
    public TimeProvider Time { get; }
    public ProviderRateGate RateGate { get; }
    public CircuitState Circuit => _circuitState.CircuitState;
    /// <summary>Open and still within its break: calls would be refused. After the break Polly lets one trial call through.</summary>
    public bool IsPaused => Circuit == CircuitState.Open && Time.GetUtcNow() < _openUntil;
    public RetryPolicyOptions Retry => _options.Retry;

    public string Redact(string? text) => SecretRedactor.Redact(text, _options.ApiKey);

    public ProviderHealth Health(bool configured) => new(Provider, configured, Circuit switch
    {
        CircuitState.Closed => "closed",
        CircuitState.Open => IsPaused ? $"open until {_openUntil:HH:mm:ss}" : "open (next call is a trial)",
        CircuitState.HalfOpen => "half-open",
        _ => "isolated",
    }, RateGate.BlockedUntil, _lastFailure, _lastFailureAt);

    /// <summary>Runs one HTTP step with the policy: overload → fixed delay until the deadline, 429 → provider's wait
    /// + jitter (blocking the whole provider), other transients → exponential backoff, everything else → no retry.</summary>
    public async Task<T> SendAsync<T>(HttpClient http, ProviderHttpStep<T> step, ProviderCall call, CancellationToken ct)
    {
        int transientRetries = 0, rateRetries = 0, overloadedAttempts = 0;
        var started = Time.GetUtcNow();
        while (true)
        {
            await RateGate.WaitAsync(step.TakesRateToken, call.Deadline, Display, ct).ConfigureAwait(false);
            ProviderException failure;
            try
            {
                return await _circuit.ExecuteAsync(async token => await AttemptAsync(http, step, call, token).ConfigureAwait(false), ct)
                    .ConfigureAwait(false);
            }
            catch (BrokenCircuitException ex)
            {
                throw Remember(new ProviderException(FailureKind.CircuitOpen, Provider,
                    $"{Display} is paused after repeated failures (circuit open{(ex.RetryAfter is { } r ? $", retry in {r.TotalSeconds:0} s" : "")}). Another provider will be used if one is configured."));
            }
            catch (ProviderException ex) { failure = ex; }

            Remember(failure);
            var now = Time.GetUtcNow();
            TimeSpan delay;
            switch (failure.Kind)
            {
                case FailureKind.Overloaded:
                    overloadedAttempts++;
                    delay = Retry.UseProviderEstimate && failure.RetryAfter is { } estimate && estimate > TimeSpan.Zero
                        ? Min(estimate, Retry.MaxOverloadedDelay) : Retry.OverloadedDelay;
                    if (now + delay >= call.OverloadDeadline)
                        throw Remember(new ProviderException(FailureKind.Overloaded, Provider,
                            $"{failure.Message} Still overloaded after {overloadedAttempts} attempts over {(now - started).TotalSeconds:0} s; gave up at the deadline.",
                            failure.StatusCode, failure.RetryAfter));
                    break;
                case FailureKind.RateLimited when rateRetries < Retry.RateLimitedRetries:
                    rateRetries++;
                    var wait = failure.RetryAfter ?? Retry.RateLimitedDefaultDelay;
                    RateGate.BlockUntil(now + wait);
                    delay = wait + Retry.RateLimitedJitter * _random.NextDouble();
                    if (now + delay >= call.Deadline)
                        throw Remember(new ProviderException(FailureKind.RateLimited, Provider,
                            $"{failure.Message} The provider asks to wait {wait.TotalSeconds:0} s, past this step's deadline.", failure.StatusCode, wait));
                    break;
                case FailureKind.Transient when transientRetries < Retry.TransientRetries:
                    delay = Retry.TransientBaseDelay * Math.Pow(2, transientRetries++);
                    if (now + delay >= call.Deadline)
                        throw Remember(new ProviderException(FailureKind.Transient, Provider,
                            $"{failure.Message} No time left before the deadline to retry.", failure.StatusCode));
                    break;
                case FailureKind.Transient:
                    throw Remember(new ProviderException(FailureKind.Transient, Provider,
                        $"{failure.Message} Failed {transientRetries + 1} times in a row; try again later.", failure.StatusCode, inner: failure));
                case FailureKind.RateLimited:
                    throw Remember(new ProviderException(FailureKind.RateLimited, Provider,
                        $"{failure.Message} Still rate limited after {rateRetries} waits; try again later.", failure.StatusCode, failure.RetryAfter));
                default:
                    throw failure;
            }
            call.AddRetry(new RetryRecord(failure.Kind, delay, now, failure.StatusCode));
            call.Report(ProviderPhase.Submitted, message: $"{failure.Kind}: retrying in {delay.TotalSeconds:0.#} s");
            _log.LogWarning("{Provider} {Model}: {Kind} (HTTP {Status}); retrying in {Delay}: {Reason}",
                Provider, call.Model, failure.Kind, failure.StatusCode, delay, failure.Message);
            await Task.Delay(delay, Time, ct).ConfigureAwait(false);
        }
    }

    async Task<T> AttemptAsync<T>(HttpClient http, ProviderHttpStep<T> step, ProviderCall call, CancellationToken ct)
    {
        call.CountAttempt();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_options.AttemptTimeout);
        try
        {
            using var request = step.Build();
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                var body = await ReadErrorBodyAsync(response, timeout.Token).ConfigureAwait(false);
                throw _mapError(response, Redact(body), call);
            }
            try { return await step.Read(response, timeout.Token).ConfigureAwait(false); }
            catch (Exception ex) when (ex is InvalidOperationException or FormatException or KeyNotFoundException)
            {
                // JsonNode throws these when a field has an unexpected type: the answer is not the documented shape.
                throw new ProviderException(FailureKind.Transient, Provider, $"{Display} answered in an unexpected shape ({Redact(ex.Message)}).");
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new ProviderException(FailureKind.Transient, Provider,
                $"{Display} did not answer within {_options.AttemptTimeout.TotalSeconds:0.#} s.");
        }
        catch (HttpRequestException ex)
        {
            throw new ProviderException(FailureKind.Transient, Provider, $"{Display} connection failed ({Redact(ex.Message)}).");
        }
        catch (IOException ex)
        {
            throw new ProviderException(FailureKind.Transient, Provider, $"{Display} connection broke while reading ({Redact(ex.Message)}).");
        }
        catch (JsonException)
        {
            throw new ProviderException(FailureKind.Transient, Provider, $"{Display} answered with malformed JSON.");
        }
    }

    static async Task<string> ReadErrorBodyAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            return text.Length > MaxErrorBodyChars ? text[..MaxErrorBodyChars] : text;
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException) { return ""; }
    }

    ProviderException Remember(ProviderException failure)
    {
        _lastFailure = $"{failure.Kind}: {failure.Message}";
        _lastFailureAt = Time.GetUtcNow();
        return failure;
    }

    static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    public void Dispose() => RateGate.Dispose();
}
