using Likeness.Providers.Policy;

namespace Likeness.Providers;

/// <summary>
/// The one entry point job steps call: picks routes, checks the budget, applies the retry policy,
/// falls back, stores outputs and writes the cost ledger.
/// </summary>
public interface IGenerationService
{
    /// <exception cref="ProviderException">No route succeeded; the message is the user-facing reason.</exception>
    Task<GenerationResult> RunAsync(GenerationRequest request, GenerationContext context, CancellationToken ct);

    IReadOnlyList<ProviderHealth> Health();
}
