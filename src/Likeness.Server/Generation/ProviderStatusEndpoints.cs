using System.Security.Claims;
using Likeness.Providers;
using Likeness.Providers.Costs;
using Likeness.Server.Auth;
using Likeness.Server.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Likeness.Server.Generation;

/// <param name="Health">Breaker state ("closed" is healthy), throttling and the last failure; from this process's own calls.</param>
/// <param name="Operations">The operations it serves, each with its default model first.</param>
public sealed record ProviderStatusDto(string Name, string DisplayName, bool Configured, string? ConfigurationHint,
    Likeness.Providers.Policy.ProviderHealth Health, IReadOnlyDictionary<string, IReadOnlyList<string>> Operations,
    decimal SpentThisMonthUsd, int CallsThisMonth);

public sealed record SpendDayDto(DateOnly Day, string Provider, decimal Usd, int Calls, int Failed);

/// <param name="MonthlyLimitUsd">Null when no limit is configured (Likeness:Providers:Budget).</param>
public sealed record BudgetDto(decimal? MonthlyLimitUsd, decimal SpentThisMonthUsd, decimal? LeftUsd, DateTimeOffset PeriodStart);

public sealed record ProvidersOverviewDto(IReadOnlyList<ProviderStatusDto> Providers, BudgetDto Budget, IReadOnlyList<SpendDayDto> Days);

/// <summary>`GET /providers`: what a user needs to see before spending: which providers are set up and healthy, and the caller's spend.</summary>
public static class ProviderStatusEndpoints
{
    public static void MapProviderStatus(this IEndpointRouteBuilder app) =>
        app.MapGet("/providers", Overview).RequireAuthorization().WithTags("Providers")
            .WithSummary("Configured generative providers with their health, and your spend from the cost ledger: per provider this month, per day (?days=, default 30, up to 366) and the budget left.");

    static async Task<IResult> Overview(ClaimsPrincipal user, LikenessDb db, IEnumerable<IGenerativeProvider> providers,
        IOptions<BudgetOptions> budget, int? days, CancellationToken ct)
    {
        var window = days ?? 30;
        if (window is < 1 or > 366) return Likeness.Server.Api.Problems.Invalid("days", $"{window} is outside 1-366 (how many days of spend to list).");
        var owner = user.UserId();
        var name = await db.Users.Where(u => u.Id == owner).Select(u => u.Name).SingleAsync(ct);
        var now = DateTimeOffset.UtcNow;
        var monthStart = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero);
        var from = new DateTimeOffset(now.UtcDateTime.Date.AddDays(1 - window), TimeSpan.Zero);
        var since = (from < monthStart ? from : monthStart).UtcDateTime;
        // Summed here: SQLite cannot aggregate decimals in SQL.
        var rows = await db.GenerationLogs.AsNoTracking().Where(g => g.UserId == name && g.CreatedAt >= since)
            .Select(g => new { g.Provider, g.EstimatedUsd, g.CreatedAt, g.Outcome }).ToListAsync(ct);
        var month = rows.Where(r => r.CreatedAt >= monthStart.UtcDateTime).ToList();

        var list = providers.OrderBy(p => p.Name).Select(p => new ProviderStatusDto(p.Name, p.DisplayName, p.IsConfigured,
            p.IsConfigured ? null : p.ConfigurationHint, p.Runtime.Health(p.IsConfigured),
            p.Models.ToDictionary(m => m.Key.ToString(), m => m.Value),
            month.Where(r => r.Provider == p.Name).Sum(r => r.EstimatedUsd), month.Count(r => r.Provider == p.Name))).ToList();
        var perDay = rows.Where(r => r.CreatedAt >= from.UtcDateTime)
            .GroupBy(r => (Day: DateOnly.FromDateTime(r.CreatedAt), r.Provider))
            .OrderByDescending(g => g.Key.Day).ThenBy(g => g.Key.Provider)
            .Select(g => new SpendDayDto(g.Key.Day, g.Key.Provider, g.Sum(r => r.EstimatedUsd), g.Count(), g.Count(r => r.Outcome == CostOutcome.Failed)))
            .ToList();
        var spent = month.Sum(r => r.EstimatedUsd);
        var limit = budget.Value.LimitFor(name);
        return TypedResults.Ok(new ProvidersOverviewDto(list, new BudgetDto(limit, spent, limit is { } l ? Math.Max(0, l - spent) : null, monthStart), perDay));
    }
}
