using Likeness.Providers;
using Likeness.Providers.Replicate;
using Likeness.Providers.Tests.Fakes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Likeness.Server.Generation;

namespace Likeness.Server.Tests;

public sealed class ReplicateWebhookSecretTests : IAsyncLifetime
{
    readonly ManualClock _clock = new();
    FakeReplicate _rep = null!;

    public async Task InitializeAsync() => _rep = await FakeReplicate.StartAsync(_clock);
    public async Task DisposeAsync() => await _rep.DisposeAsync();

    ReplicateWebhookSecret Secrets(string? key, string? configured = null)
    {
        var options = Options.Create(new ReplicateOptions { ApiKey = key, BaseUrl = _rep.BaseUrl, WebhookSigningSecret = configured });
        var provider = new ReplicateProvider(new HttpClient(), options, _clock);
        return new ReplicateWebhookSecret(options, [provider], _clock, NullLogger<ReplicateWebhookSecret>.Instance);
    }

    [Fact]
    public async Task With_a_token_the_secret_is_fetched_once_and_reused()
    {
        var secrets = Secrets(FakeReplicate.Key);
        Assert.Equal(FakeReplicate.WebhookSecret, (await secrets.GetAsync(default)).Secret);
        Assert.Equal(FakeReplicate.WebhookSecret, (await secrets.GetAsync(default)).Secret);
        Assert.Single(_rep.Server.Requests, r => r.Path == "/v1/webhooks/default/secret");
    }

    [Fact]
    public async Task A_configured_secret_wins_and_nothing_is_fetched()
    {
        Assert.Equal("whsec_configured", (await Secrets(FakeReplicate.Key, "whsec_configured").GetAsync(default)).Secret);
        Assert.Empty(_rep.Server.Requests);
    }

    [Fact]
    public async Task Without_a_token_webhooks_stay_unsigned()
    {
        var lookup = await Secrets(null).GetAsync(default);
        Assert.Equal((null, null), (lookup.Secret, lookup.Problem));
    }

    [Fact]
    public async Task A_refused_token_is_a_problem_not_an_open_door()
    {
        var lookup = await Secrets("r8_wrong_token_0000").GetAsync(default);
        Assert.Null(lookup.Secret);
        Assert.Contains("refused the API key", lookup.Problem);
    }
}
