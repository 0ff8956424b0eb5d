using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Likeness.Providers.Policy;

namespace Likeness.Providers.Fal;

/// <summary>
/// Puts inline inputs on fal's storage and hands the model URLs, as fal's own clients do: fal documents data URIs
/// as accepted by some models only, and fal-js (libs/client/src/storage.ts, read 2026-12-05) uploads every data URI:
/// POST {rest}/storage/upload/initiate {content_type, file_name} → {upload_url, file_url}, then PUT the bytes to
/// upload_url (a pre-signed URL: it never gets our key).
/// </summary>
sealed class FalUploader(HttpClient http, ProviderRuntime runtime, FalOptions options, Func<HttpMethod, Uri, JsonNode?, HttpRequestMessage> authorized)
{
    public async Task<GenerationRequest> UploadInlineInputsAsync(GenerationRequest request, ProviderCall call, CancellationToken ct)
    {
        if (!options.UploadInlineInputs) return request;
        return request with
        {
            Image = await UploadAsync(request.Image, call, ct).ConfigureAwait(false),
            Mask = await UploadAsync(request.Mask, call, ct).ConfigureAwait(false),
            ControlImage = await UploadAsync(request.ControlImage, call, ct).ConfigureAwait(false),
            Video = await UploadAsync(request.Video, call, ct).ConfigureAwait(false),
            Audio = await UploadAsync(request.Audio, call, ct).ConfigureAwait(false),
            ReferenceImages = request.Operation == GenerationOperation.FaceSwap ? await UploadAllAsync(request.ReferenceImages, call, ct).ConfigureAwait(false) : request.ReferenceImages,
            TrainingImagesZipUrl = await UploadDataUriAsync(request.TrainingImagesZipUrl, call, ct).ConfigureAwait(false),
        };
    }

    async Task<MediaInput?> UploadAsync(MediaInput? input, ProviderCall call, CancellationToken ct)
        => input is { Url: null, Bytes: { } bytes } ? MediaInput.FromUrl(await UploadAsync(bytes, input.MimeType, call, ct).ConfigureAwait(false)) : input;

    async Task<IReadOnlyList<MediaInput>> UploadAllAsync(IReadOnlyList<MediaInput> inputs, ProviderCall call, CancellationToken ct)
    {
        var uploaded = new List<MediaInput>(inputs.Count);
        foreach (var input in inputs) uploaded.Add((await UploadAsync(input, call, ct).ConfigureAwait(false))!);
        return uploaded;
    }

    async Task<string?> UploadDataUriAsync(string? value, ProviderCall call, CancellationToken ct)
    {
        if (value is null || !value.StartsWith("data:", StringComparison.Ordinal)) return value;
        var comma = value.IndexOf(',');
        var header = comma > 5 ? value[5..comma] : "";
        if (comma < 0 || !header.EndsWith(";base64", StringComparison.Ordinal))
            throw new ProviderException(FailureKind.Rejected, "fal", "A data URI input must be base64 encoded (data:<type>;base64,...).");
        byte[] bytes;
        try { bytes = Convert.FromBase64String(value[(comma + 1)..]); }
        catch (FormatException) { throw new ProviderException(FailureKind.Rejected, "fal", "A data URI input is not valid base64."); }
        return await UploadAsync(bytes, header[..^";base64".Length] is { Length: > 0 } type ? type : "application/octet-stream", call, ct).ConfigureAwait(false);
    }

    async Task<string> UploadAsync(byte[] bytes, string contentType, ProviderCall call, CancellationToken ct)
    {
        var extension = contentType.Split('/').Last().Split(';', '+', '-')[0];
        var initiate = new Uri(options.StorageBaseUrl.TrimEnd('/') + "/storage/upload/initiate");
        var body = new JsonObject { ["content_type"] = contentType, ["file_name"] = $"likeness-{Guid.NewGuid():N}.{extension}" };
        var target = await runtime.SendAsync(http, new ProviderHttpStep<(string Upload, string File)>(() => authorized(HttpMethod.Post, initiate, body), async (response, token) =>
        {
            var json = JsonNode.Parse(await response.Content.ReadAsStringAsync(token).ConfigureAwait(false));
            var upload = json?["upload_url"]?.GetValue<string>();
            var file = json?["file_url"]?.GetValue<string>();
            return upload is null || file is null
                ? throw new ProviderException(FailureKind.Transient, "fal", "fal.ai storage answered without upload_url/file_url.")
                : (upload, file);
        }), call, ct).ConfigureAwait(false);
        await runtime.SendAsync(http, new ProviderHttpStep<bool>(() =>
        {
            var put = new HttpRequestMessage(HttpMethod.Put, target.Upload) { Content = new ByteArrayContent(bytes) };
            put.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
            return put;
        }, (_, _) => Task.FromResult(true), TakesRateToken: false), call, ct).ConfigureAwait(false);
        return target.File;
    }
}
