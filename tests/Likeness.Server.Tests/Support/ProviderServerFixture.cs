using System.Net;
using System.Net.Sockets;
using Likeness.Providers.Tests.Fakes;
using Likeness.Providers.Webhooks;
using Likeness.Server.Auth;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Likeness.Server.Tests.Support;

/// <summary>
/// A server whose fal.ai and Gemini clients point at the loopback fakes (fast retry/poll settings), with fal webhook
/// signatures checked against a local key served as a JWKS, webhooks addressed back to this server, and a user
/// 'carol' whose monthly budget is one cent.
/// </summary>
public class ProviderServerFixture : ServerFixture
{
    readonly ManualClock recordingClock = new();
    public const string ReplicateSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    readonly int port = FreePort();
    public FakeFal Fal { get; private set; } = null!;
    public FakeGemini Gemini { get; private set; } = null!;
    public LoopbackServer Jwks { get; private set; } = null!;
    public byte[] FalSigningKey { get; } = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
    public string CarolToken { get; private set; } = "";

    protected override string Urls => $"http://127.0.0.1:{port}";

    protected override async Task<Dictionary<string, string?>> SettingsAsync()
    {
        Fal = await FakeFal.StartAsync(recordingClock);
        Fal.WebhookSigner = (FalSigningKey, "user-test");
        Gemini = await FakeGemini.StartAsync(recordingClock);
        var publicKey = FalJwks.ToBase64Url(Ed25519.PublicKeyOf(FalSigningKey));
        Jwks = await LoopbackServer.StartAsync((context, _) => context.Response.WriteAsync(
            $$"""{"keys": [{"kid": "test", "kty": "OKP", "crv": "Ed25519", "x": "{{publicKey}}"}]}"""), recordingClock);

        var settings = FastSettings();
        foreach (var (name, key, url) in new[] { ("Fal", FakeFal.Key, Fal.Server.Root), ("Gemini", FakeGemini.Key, Gemini.BaseUrl) })
        {
            settings[$"Likeness:Providers:{name}:ApiKey"] = key;
            settings[$"Likeness:Providers:{name}:BaseUrl"] = url;
            settings[$"Likeness:Providers:{name}:Retry:OverloadedDelay"] = "00:00:00.020";
            settings[$"Likeness:Providers:{name}:Retry:OverloadedWindow"] = "00:00:00.300";
            settings[$"Likeness:Providers:{name}:Retry:TransientBaseDelay"] = "00:00:00.020";
            settings[$"Likeness:Providers:{name}:RateLimit:RequestsPerMinute"] = "6000";
            settings[$"Likeness:Providers:{name}:RateLimit:Burst"] = "100";
        }
        settings["Likeness:Providers:Fal:PollInterval"] = "00:00:00.050";
        // The tests in one fixture share the providers' circuit breakers: one test's fault storm must not open the breaker
        // for the next (the breaker itself is tested in Likeness.Providers.Tests).
        foreach (var provider in new[] { "Fal", "Gemini", "Replicate", "HuggingFace" })
            settings[$"Likeness:Providers:{provider}:CircuitBreaker:MinimumThroughput"] = "100000";
        settings["Likeness:Providers:Replicate:WebhookSigningSecret"] = ReplicateSecret;
        settings["Likeness:Providers:Fal:WebhookPollInterval"] = "00:00:00.500";
        settings["Likeness:Providers:Fal:WebhookJwksUrl"] = Jwks.Root + "/.well-known/jwks.json";
        settings["Likeness:Providers:Fal:StorageBaseUrl"] = Fal.Server.Root;
        settings["Likeness:Providers:WebhookBaseUrl"] = Urls;
        settings["Likeness:Providers:Downloads:Url:AllowHttp"] = "true";
        settings["Likeness:Providers:Downloads:Url:AllowPrivateNetworks"] = "true";
        settings["Likeness:Providers:Budget:PerUserMonthlyUsd:carol"] = "0.01";
        return settings;
    }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        CarolToken = (await App.Services.GetRequiredService<TokenService>().CreateUserAsync("carol", default)).Token;
    }

    public HttpClient Carol() => Client(CarolToken);

    /// <summary>Requests every fake provider has seen so far.</summary>
    public int ProviderRequests => Fal.Server.Requests.Count + Gemini.Server.Requests.Count;

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Fal.DisposeAsync();
        await Gemini.DisposeAsync();
        await Jwks.DisposeAsync();
    }

    static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
