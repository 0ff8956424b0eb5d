using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Likeness.Providers.Policy;
using Microsoft.Extensions.Logging;

namespace Likeness.Providers;

/// <summary>What the four HTTP providers share: options, runtime (policy), auth header, JSON helpers, check pings.</summary>
public abstract class HttpProviderBase<TOptions> : IGenerativeProvider, IDisposable where TOptions : ProviderOptions
{
    static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(15);

    protected HttpProviderBase(string name, string display, string configurationHint, HttpClient http, TOptions options,
        IReadOnlyDictionary<GenerationOperation, IReadOnlyList<string>> defaultModels, TimeProvider? time, ILogger log)
    {
        Name = name;
        DisplayName = display;
        ConfigurationHint = configurationHint;
        Http = http;
        Options = options;
        Log = log;
        Models = options.ModelsOr(defaultModels);
        Runtime = new ProviderRuntime(name, display, options, MapError, time ?? TimeProvider.System, log);
    }

    public string Name { get; }
    public string DisplayName { get; }
    public string ConfigurationHint { get; }
    public IReadOnlyDictionary<GenerationOperation, IReadOnlyList<string>> Models { get; }
    public ProviderRuntime Runtime { get; }
    public virtual bool IsConfigured => !string.IsNullOrWhiteSpace(Options.ApiKey) && Uri.TryCreate(Options.BaseUrl, UriKind.Absolute, out _);

    protected HttpClient Http { get; }
    protected TOptions Options { get; }
    protected ILogger Log { get; }
    protected TimeProvider Time => Runtime.Time;

    public virtual string? Limitation(GenerationRequest request, string model) => null;

    public abstract Task<ProviderOutcome> RunAsync(GenerationRequest request, string model, ProviderCall call, CancellationToken ct);
    public abstract Task<IReadOnlyList<ProviderCheckResult>> CheckAsync(CancellationToken ct);

    /// <summary>Adds this provider's credentials to a request to its own API (never to output downloads).</summary>
    protected abstract void Authorize(HttpRequestMessage request);

    /// <summary>Classifies an error answer; the body has already been stripped of the key.</summary>
    protected abstract ProviderException MapError(HttpResponseMessage response, string body, ProviderCall call);

    protected Task<T> SendAsync<T>(ProviderHttpStep<T> step, ProviderCall call, CancellationToken ct) => Runtime.SendAsync(Http, step, call, ct);

    protected Uri Url(string relative) => new(Options.BaseUri, relative);

    protected HttpRequestMessage Request(HttpMethod method, Uri uri, JsonNode? body = null)
    {
        var request = new HttpRequestMessage(method, uri);
        if (body is not null) request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        Authorize(request);
        return request;
    }

    /// <summary>A URL the provider returned may carry our key only if it points at the configured API host.</summary>
    protected bool IsOwnApi(string? url)
        => Uri.TryCreate(url, UriKind.Absolute, out var uri)
           && uri.Scheme == Options.BaseUri.Scheme && uri.Host == Options.BaseUri.Host && uri.Port == Options.BaseUri.Port;

    protected static async Task<JsonNode> ReadJsonAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        return JsonNode.Parse(text) ?? throw new JsonException("empty JSON body");
    }

    protected static JsonNode? TryParse(string body)
    {
        try { return string.IsNullOrWhiteSpace(body) ? null : JsonNode.Parse(body); }
        catch (JsonException) { return null; }
    }

    protected static string? Str(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
    protected static double? Num(JsonNode? node) => node is JsonValue v && v.TryGetValue<double>(out var d) ? d : null;
    protected static bool? Bool(JsonNode? node) => node is JsonValue v && v.TryGetValue<bool>(out var b) ? b : null;

    protected ProviderException Classified(HttpResponseMessage response, string providerMessage, ProviderCall call, FailureKind? kind = null, TimeSpan? retryAfter = null)
    {
        var status = (int)response.StatusCode;
        var k = kind ?? HttpFailures.KindOf(response.StatusCode);
        var wait = retryAfter ?? RetryHints.FromHeaders(response.Headers, Time.GetUtcNow());
        return new ProviderException(k, Name, HttpFailures.Describe(k, DisplayName, status, providerMessage, ConfigurationHint, call.Model), status, wait);
    }

    protected ProviderException Unsupported(GenerationRequest request, string model)
        => new(FailureKind.Unsupported, Name, $"{DisplayName} cannot run {request.Operation} with model '{model}'. Configure a model for it or use another provider.");

    /// <summary>A check ping: GET with the key, short timeout, no retries.</summary>
    protected async Task<ProviderCheckResult> PingAsync(string subject, Uri uri, Func<JsonNode?, string> describeOk, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(CheckTimeout);
        try
        {
            using var request = Request(HttpMethod.Get, uri);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            using var response = await Http.SendAsync(request, timeout.Token).ConfigureAwait(false);
            var body = Runtime.Redact(await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false));
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode) return new(Name, subject, CheckStatus.Ok, describeOk(TryParse(body)));
            return status switch
            {
                401 or 403 => new(Name, subject, CheckStatus.Failed, $"key refused (HTTP {status}); {ConfigurationHint}"),
                404 => new(Name, subject, CheckStatus.Failed, $"not found (HTTP 404); check the model id"),
                _ => new(Name, subject, CheckStatus.Warning, $"HTTP {status}: {HttpFailures.Trim(body, 160)}"),
            };
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new(Name, subject, CheckStatus.Failed, $"no answer within {CheckTimeout.TotalSeconds:0} s");
        }
        catch (HttpRequestException ex)
        {
            return new(Name, subject, CheckStatus.Failed, $"unreachable: {Runtime.Redact(ex.Message)}");
        }
    }

    /// <summary>Waits for the next poll: the poll interval, or earlier when a webhook for the request arrives.</summary>
    protected async Task WaitForNextPollAsync(Webhooks.WebhookInbox? inbox, string requestId, TimeSpan interval, CancellationToken ct)
    {
        if (inbox is null)
        {
            await Task.Delay(interval, Time, ct).ConfigureAwait(false);
            return;
        }
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var webhook = inbox.NextAsync(Name, requestId, stop.Token);
        var delay = Task.Delay(interval, Time, stop.Token);
        await Task.WhenAny(webhook, delay).ConfigureAwait(false);
        await stop.CancelAsync().ConfigureAwait(false);
        ct.ThrowIfCancellationRequested();
    }

    public void Dispose()
    {
        Runtime.Dispose();
        GC.SuppressFinalize(this);
    }
}
