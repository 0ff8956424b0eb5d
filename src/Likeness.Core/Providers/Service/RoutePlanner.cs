namespace Likeness.Providers.Service;

/// <summary>One candidate for a request: a provider and one of its models.</summary>
public sealed record Route(IGenerativeProvider Provider, string Model)
{
    public override string ToString() => $"{Provider.Name}:{Model}";
}

/// <summary>Expands configured routes ("provider" or "provider:model") into ordered (provider, model) candidates.</summary>
public static class RoutePlanner
{
    public static IReadOnlyList<Route> Plan(GenerationRequest request, IReadOnlyList<IGenerativeProvider> providers, GenerationOptions options)
    {
        IEnumerable<string> specs = request.Route is { Length: > 0 } pinned ? [pinned]
            : options.Routes.TryGetValue(request.Operation, out var configured) && configured.Count > 0 ? configured
            : options.ProviderOrder.Concat(providers.Select(p => p.Name)).Distinct(StringComparer.OrdinalIgnoreCase);
        var routes = new List<Route>();
        foreach (var spec in specs)
        {
            var colon = spec.IndexOf(':');
            var name = colon < 0 ? spec : spec[..colon];
            var provider = providers.FirstOrDefault(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
            if (provider is null) continue;
            if (colon >= 0) routes.Add(new Route(provider, spec[(colon + 1)..]));
            else if (provider.Models.TryGetValue(request.Operation, out var models))
                routes.AddRange(models.Select(m => new Route(provider, m)));
        }
        return routes.DistinctBy(r => r.ToString()).ToList();
    }
}
