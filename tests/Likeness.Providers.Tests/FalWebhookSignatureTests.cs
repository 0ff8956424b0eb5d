using System.Text;
using Likeness.Providers.Tests.Fakes;
using Likeness.Providers.Webhooks;
using Microsoft.AspNetCore.Http;

namespace Likeness.Providers.Tests;

public sealed class FalWebhookSignatureTests
{
    // RFC 8032 section 7.1, TEST 2 (one-byte message 0x72).
    const string RfcSecret = "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb";
    const string RfcPublic = "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c";
    const string RfcSignature = "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00";

    static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"request_id": "req-1", "gateway_request_id": "req-1", "status": "OK", "payload": {"images": []}}""");
    static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_760_000_000);

    [Fact]
    public void Ed25519_matches_the_RFC_8032_test_vector()
    {
        var secret = Convert.FromHexString(RfcSecret);
        Assert.Equal(RfcPublic, Convert.ToHexStringLower(Ed25519.PublicKeyOf(secret)));
        Assert.Equal(RfcSignature, Convert.ToHexStringLower(Ed25519.Sign(secret, [0x72])));
        Assert.True(Ed25519.Verify(Convert.FromHexString(RfcPublic), [0x72], Convert.FromHexString(RfcSignature)));
        Assert.False(Ed25519.Verify(Convert.FromHexString(RfcPublic), [0x73], Convert.FromHexString(RfcSignature)));
    }

    [Fact]
    public void A_delivery_signed_with_one_of_the_keys_verifies_and_any_change_breaks_it()
    {
        var (secret, other) = (RandomKey(), RandomKey());
        var keys = new[] { Ed25519.PublicKeyOf(other), Ed25519.PublicKeyOf(secret) };
        var timestamp = Now.ToUnixTimeSeconds().ToString();
        var signature = FalWebhookSignature.Sign(secret, "req-1", "user-9", timestamp, Body);
        var headers = new FalWebhookHeaders("req-1", "user-9", timestamp, signature);

        Assert.Null(FalWebhookSignature.Problem(headers, Body, keys, Now));
        Assert.Contains("does not match", FalWebhookSignature.Problem(headers, [.. Body, (byte)' '], keys, Now));
        Assert.Contains("does not match", FalWebhookSignature.Problem(headers with { UserId = "user-8" }, Body, keys, Now));
        Assert.Contains("does not match", FalWebhookSignature.Problem(headers, Body, [Ed25519.PublicKeyOf(other)], Now));
        Assert.Contains("window", FalWebhookSignature.Problem(headers, Body, keys, Now.AddMinutes(6)));
        Assert.Contains("headers are required", FalWebhookSignature.Problem(headers with { Signature = null }, Body, keys, Now));
        Assert.Contains("not hex", FalWebhookSignature.Problem(headers with { Signature = "zz" }, Body, keys, Now));
    }

    [Fact]
    public async Task Jwks_keys_are_fetched_once_and_refreshed_early_at_most_once_a_minute()
    {
        var clock = new ManualClock { AutoAdvance = false };
        var key = Ed25519.PublicKeyOf(RandomKey());
        await using var server = await LoopbackServer.StartAsync((context, _) => context.Response.WriteAsync(
            $$"""{"keys": [{"kty": "OKP", "crv": "Ed25519", "x": "{{FalJwks.ToBase64Url(key)}}"}, {"kty": "EC", "crv": "P-256", "x": "abc"}]}"""), clock);
        var jwks = new FalJwks(new HttpClient(), new Uri(server.Root + "/.well-known/jwks.json"), clock);

        Assert.Equal([key], await jwks.KeysAsync(refresh: false, CancellationToken.None));
        await jwks.KeysAsync(refresh: true, CancellationToken.None);
        Assert.Single(server.Requests);
        clock.Advance(TimeSpan.FromMinutes(2));
        await jwks.KeysAsync(refresh: true, CancellationToken.None);
        Assert.Equal(2, server.Requests.Count);
        Assert.Throws<HttpRequestException>(() => FalJwks.Parse("""{"keys": []}"""));
        Assert.Throws<HttpRequestException>(() => FalJwks.Parse("<html>"));
    }

    static byte[] RandomKey() => System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
}
