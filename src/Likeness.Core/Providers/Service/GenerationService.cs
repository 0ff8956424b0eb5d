using System.Diagnostics;
using Likeness.Providers.Costs;
using Likeness.Providers.Outputs;
using Likeness.Providers.Policy;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Likeness.Providers.Service;

/// <summary>
/// Runs an operation through the configured routes: skips unconfigured/unsuitable/open-circuit providers,
/// reserves budget before calling, lets the provider apply the retry policy, falls back on failures another
/// route may not have, stores outputs at once and writes one ledger row per route tried.
/// </summary>
public sealed class GenerationService : IGenerationService
{
    readonly IReadOnlyList<IGenerativeProvider> _providers;
    readonly GenerationOptions _options;
    readonly ICostLedger _ledger;
    readonly BudgetGuard _budget;
    readonly PriceTable _prices;
    readonly OutputDownloader _downloader;
    readonly TimeProvider _time;
    readonly ILogger _log;

    public GenerationService(IEnumerable<IGenerativeProvider> providers, IOptions<GenerationOptions> options, ICostLedger ledger,
        IOptions<BudgetOptions> budget, IOptions<PriceTableOptions> prices, OutputDownloader downloader,
        TimeProvider? time = null, ILogger<GenerationService>? log = null)
    {
        _providers = providers.ToList();
        _options = options.Value;
        _ledger = ledger;
        _time = time ?? TimeProvider.System;
        _budget = new BudgetGuard(ledger, budget.Value, _time);
        _prices = new PriceTable(prices.Value);
        _downloader = downloader;
        _log = (ILogger?)log ?? NullLogger.Instance;
    }

    public IReadOnlyList<ProviderHealth> Health() => _providers.Select(p => p.Runtime.Health(p.IsConfigured)).ToList();

    public async Task<GenerationResult> RunAsync(GenerationRequest request, GenerationContext context, CancellationToken ct)
    {
        if (GenerationRequestValidator.Problem(request) is { } problem)
            throw new ProviderException(FailureKind.Rejected, "likeness", $"Invalid request: {problem}.");
        var deadline = context.Deadline ?? _time.GetUtcNow() + _options.DefaultDeadline;
        var routes = RoutePlanner.Plan(request, _providers, _options);
        var attempts = new List<RouteAttempt>();

        foreach (var route in routes)
        {
            var (provider, model) = (route.Provider, route.Model);
            string? skip = !provider.IsConfigured ? $"not configured ({provider.ConfigurationHint})"
                : !provider.Supports(request.Operation, model) ? $"{provider.DisplayName} does not offer {request.Operation} with '{model}'"
                : provider.Limitation(request, model)
                ?? (provider.Runtime.IsPaused ? $"{provider.DisplayName} is paused after repeated failures (circuit open)" : null);
            if (skip is not null)
            {
                attempts.Add(new RouteAttempt(provider.Name, model, SkipKind(provider, model, request), skip, TimeSpan.Zero));
                continue;
            }
            if (_time.GetUtcNow() >= deadline)
            {
                attempts.Add(new RouteAttempt(provider.Name, model, FailureKind.DeadlineExceeded, "the step's deadline passed before this route could be tried", TimeSpan.Zero));
                break;
            }

            var price = _prices.For(provider.Name, model);
            var estimate = PriceTable.Usd(price, PriceTable.EstimateUnits(price, request));
            using var reservation = await _budget.TryReserveAsync(context.UserId, estimate, ct).ConfigureAwait(false);
            if (reservation.Refusal is { } refusal)
            {
                await LedgerAsync(context, request, route, price, CostOutcome.Refused, 0, TimeSpan.Zero, null, FailureKind.BudgetExceeded, refusal).ConfigureAwait(false);
                attempts.Add(new RouteAttempt(provider.Name, model, FailureKind.BudgetExceeded, refusal, TimeSpan.Zero));
                continue;
            }

            var call = new ProviderCall(provider.Name, model, deadline, context.Progress)
            {
                OverloadDeadline = _time.GetUtcNow() + provider.Runtime.Retry.OverloadedWindow,
            };
            var started = _time.GetTimestamp();
            ProviderOutcome? outcome = null;
            try
            {
                outcome = await provider.RunAsync(request, model, call, ct).ConfigureAwait(false);
                var result = await StoreAsync(outcome, provider.Name, ct).ConfigureAwait(false);
                var units = PriceTable.ActualUnits(price, outcome.Usage, request);
                var usd = PriceTable.Usd(price, units);
                var duration = _time.GetElapsedTime(started);
                await LedgerAsync(context, request, route, price, CostOutcome.Succeeded, units, duration, call, null, null).ConfigureAwait(false);
                attempts.Add(new RouteAttempt(provider.Name, model, null, null, duration));
                _log.LogInformation("{Operation} done by {Route} in {Duration} (${Usd}, {Attempts} HTTP attempts)", request.Operation, route, duration, usd, call.HttpAttempts);
                return result with { Provider = provider.Name, Model = model, ProviderRequestId = call.RequestId ?? outcome.RequestId, EstimatedUsd = usd, Attempts = attempts };
            }
            catch (ProviderException ex)
            {
                var duration = _time.GetElapsedTime(started);
                // The provider ran (and charged) when only the download failed.
                var units = outcome is not null ? PriceTable.ActualUnits(price, outcome.Usage, request) : 0;
                await LedgerAsync(context, request, route, price, CostOutcome.Failed, units, duration, call, ex.Kind, ex.Message).ConfigureAwait(false);
                attempts.Add(new RouteAttempt(provider.Name, model, ex.Kind, ex.Message, duration));
                call.Report(ProviderPhase.Failed, message: ex.Message);
                if (!ex.Kind.AllowsFallback())
                    throw new ProviderException(ex.Kind, ex.Provider, ex.Message, ex.StatusCode, ex.RetryAfter, ex) { Attempts = attempts };
                _log.LogWarning("{Route} failed ({Kind}): {Reason}; trying the next route", route, ex.Kind, ex.Message);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                await LedgerAsync(context, request, route, price, CostOutcome.Canceled, 0, _time.GetElapsedTime(started), call, null, "canceled").ConfigureAwait(false);
                throw;
            }
        }
        throw NoRouteSucceeded(request, attempts);
    }

    async Task<GenerationResult> StoreAsync(ProviderOutcome outcome, string provider, CancellationToken ct)
    {
        var images = new List<StoredOutput>();
        var videos = new List<StoredOutput>();
        StoredOutput? lora = null;
        foreach (var output in outcome.Outputs)
        {
            var stored = await _downloader.StoreAsync(output, provider, ct).ConfigureAwait(false);
            if (output.Role == OutputRole.LoraWeights) lora = stored;
            else if (output.Role == OutputRole.Video) videos.Add(stored);
            else images.Add(stored);
        }
        return new GenerationResult { Provider = provider, Model = "", Images = images, Videos = videos, LoraFile = lora, Text = outcome.Text };
    }

    Task LedgerAsync(GenerationContext context, GenerationRequest request, Route route, PriceEntry price, CostOutcome outcome,
        double units, TimeSpan duration, ProviderCall? call, FailureKind? failure, string? reason)
        => _ledger.AppendAsync(new CostEntry
        {
            At = _time.GetUtcNow(),
            UserId = context.UserId,
            Provider = route.Provider.Name,
            Model = route.Model,
            Operation = request.Operation,
            Outcome = outcome,
            Units = units,
            Unit = price.Unit,
            EstimatedUsd = PriceTable.Usd(price, units),
            Duration = duration,
            Failure = failure,
            Reason = reason,
            RequestId = call?.RequestId,
            HttpAttempts = call?.HttpAttempts ?? 0,
            JobId = context.JobId,
            StepId = context.StepId,
        }, CancellationToken.None);

    static FailureKind SkipKind(IGenerativeProvider provider, string model, GenerationRequest request)
        => !provider.IsConfigured ? FailureKind.NotConfigured
            : provider.Runtime.IsPaused && provider.Supports(request.Operation, model) && provider.Limitation(request, model) is null
                ? FailureKind.CircuitOpen : FailureKind.Unsupported;

    static ProviderException NoRouteSucceeded(GenerationRequest request, List<RouteAttempt> attempts)
    {
        if (attempts.Count == 0)
            return new ProviderException(FailureKind.Unsupported, "likeness",
                $"No provider offers {request.Operation}. Configure one that does (see docs/providers.md).") { Attempts = attempts };
        var tried = attempts.Where(a => a.Failure is not (FailureKind.NotConfigured or FailureKind.Unsupported)).ToList();
        var kind = tried.Count > 0 && tried.All(a => a.Failure == FailureKind.BudgetExceeded) ? FailureKind.BudgetExceeded
            : tried.LastOrDefault()?.Failure ?? (attempts.All(a => a.Failure == FailureKind.NotConfigured) ? FailureKind.NotConfigured : FailureKind.Unsupported);
        var summary = string.Join("; ", attempts.Select(a => $"{a.Provider}:{a.Model}: {a.Reason}"));
        var lead = tried.Count == 0
            ? $"No configured provider can do {request.Operation} for this request"
            : $"{request.Operation} failed on every route";
        return new ProviderException(kind, tried.LastOrDefault()?.Provider ?? "likeness", $"{lead}. {summary}") { Attempts = attempts };
    }
}
