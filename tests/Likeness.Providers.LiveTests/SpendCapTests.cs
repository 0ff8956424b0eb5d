namespace Likeness.Providers.LiveTests;

/// <summary>The cap is the product's own budget guard: work that would pass it is refused before any provider is called.</summary>
[Collection(LiveCollection.Name)]
public sealed class SpendCapTests(Live live)
{
    [Fact]
    public async Task Work_past_the_spend_cap_is_refused_before_calling()
    {
        var provider = live.Providers.FirstOrDefault(p => p.IsConfigured && p.Supports(GenerationOperation.TextToImage));
        Assert.True(provider is not null, "no provider key set: " + string.Join(", ", Live.KeyVariables));
        var ex = await Assert.ThrowsAsync<ProviderException>(() => live.Service.RunAsync(new GenerationRequest
        {
            Operation = GenerationOperation.TextToImage, Prompt = "x", Width = 1024, Height = 1024,
            Route = $"{provider!.Name}:{provider.Models[GenerationOperation.TextToImage][0]}",
        }, Live.Context() with { UserId = Live.CappedUser }, default));
        Assert.Equal(FailureKind.BudgetExceeded, ex.Kind);
        var spent = (await live.Ledger.ListAsync(Live.User, DateTimeOffset.MinValue, default)).Sum(r => r.EstimatedUsd);
        Assert.True(spent <= live.SpendCapUsd, $"spent {spent} USD, cap {live.SpendCapUsd}");
    }
}
