using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Likeness.Providers.Webhooks;

/// <summary>
/// fal's webhook public keys (a JWKS of Ed25519 "OKP" keys), fetched from a configured URL and kept for a day.
/// An unknown signature triggers at most one early refresh per minute, so a key rotation is picked up without
/// letting forged deliveries make us hammer the key server.
/// </summary>
public sealed class FalJwks
{
    static readonly TimeSpan CacheFor = TimeSpan.FromHours(24);
    static readonly TimeSpan MinRefreshGap = TimeSpan.FromMinutes(1);
    readonly HttpClient _http;
    readonly Uri _url;
    readonly TimeProvider _time;
    readonly ILogger _log;
    readonly SemaphoreSlim _gate = new(1, 1);
    IReadOnlyList<byte[]> _keys = [];
    DateTimeOffset _fetchedAt = DateTimeOffset.MinValue;
    DateTimeOffset _failedAt = DateTimeOffset.MinValue;
    int _failures;
    string _lastError = "";

    /// <summary>After a failed fetch: 30 s, doubling per further failure, at most 10 minutes.</summary>
    TimeSpan Backoff => TimeSpan.FromSeconds(Math.Min(600, 30 * Math.Pow(2, Math.Max(0, _failures - 1))));

    public FalJwks(HttpClient http, Uri url, TimeProvider time, ILogger? log = null)
    {
        _http = http;
        _url = url;
        _time = time;
        _log = log ?? NullLogger.Instance;
    }

    /// <exception cref="HttpRequestException">The key set could not be fetched or read.</exception>
    public async Task<IReadOnlyList<byte[]>> KeysAsync(bool refresh, CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var age = _time.GetUtcNow() - _fetchedAt;
            if (_keys.Count > 0 && age < CacheFor && !(refresh && age >= MinRefreshGap)) return _keys;
            var sinceFailure = _time.GetUtcNow() - _failedAt;
            if (sinceFailure < Backoff)
            {
                if (_keys.Count > 0) return _keys; // a refresh failed: keep using what we have
                throw new HttpRequestException($"{_lastError} (next attempt in {(Backoff - sinceFailure).TotalSeconds:0} s)");
            }
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(TimeSpan.FromSeconds(10));
                string json;
                try { json = await _http.GetStringAsync(_url, timeout.Token).ConfigureAwait(false); }
                catch (TaskCanceledException) when (!ct.IsCancellationRequested) { throw new HttpRequestException($"fal's key set at {_url} did not answer within 10 s"); }
                _keys = Parse(json);
            }
            catch (HttpRequestException ex)
            {
                (_failedAt, _failures, _lastError) = (_time.GetUtcNow(), _failures + 1, ex.Message);
                _log.LogWarning("fal webhook keys not loaded from {Url}: {Error}", _url, ex.Message);
                if (_keys.Count > 0) return _keys;
                throw;
            }
            _failures = 0;
            _fetchedAt = _time.GetUtcNow();
            _log.LogInformation("Loaded {Count} fal webhook key(s) from {Url}", _keys.Count, _url);
            return _keys;
        }
        finally { _gate.Release(); }
    }

    public static IReadOnlyList<byte[]> Parse(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            var keys = new List<byte[]>();
            foreach (var key in doc.RootElement.GetProperty("keys").EnumerateArray())
            {
                if (key.TryGetProperty("crv", out var crv) && crv.GetString() != "Ed25519") continue;
                if (key.TryGetProperty("x", out var x) && x.GetString() is { } encoded && FromBase64Url(encoded) is { Length: Ed25519.KeySize } raw)
                    keys.Add(raw);
            }
            return keys.Count > 0 ? keys : throw new HttpRequestException("fal's key set holds no Ed25519 key");
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new HttpRequestException($"fal's key set is not a JWKS: {ex.Message}");
        }
    }

    public static string ToBase64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    static byte[] FromBase64Url(string s)
    {
        var b64 = s.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(b64.PadRight(b64.Length + (4 - b64.Length % 4) % 4, '='));
    }
}
