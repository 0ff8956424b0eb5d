using System.Buffers.Binary;
using System.Text.Json;

namespace Likeness.Pipelines.Lora;

/// <summary>
/// Checks that a file really is LoRA weights in safetensors format (huggingface/safetensors: an 8-byte little-endian
/// header length, a JSON header mapping tensor names to {dtype, shape, data_offsets}, then the data) — a provider that
/// hands back an HTML error page or an empty file must never make an identity "ready".
/// </summary>
public static class SafetensorsFile
{
    const long MaxHeader = 100 * 1024 * 1024;

    /// <summary>Null when valid; else what is wrong.</summary>
    public static string? Problem(ReadOnlySpan<byte> file, out int tensors)
    {
        tensors = 0;
        if (file.Length < 10) return $"{file.Length} bytes is too short for a safetensors file";
        ulong length = BinaryPrimitives.ReadUInt64LittleEndian(file);
        if (length < 2 || length > MaxHeader || (long)length > file.Length - 8) return $"the header length {length} does not fit a {file.Length}-byte file";
        long dataLength = file.Length - 8 - (long)length;
        try
        {
            using var header = JsonDocument.Parse(file.Slice(8, (int)length).ToArray());
            if (header.RootElement.ValueKind != JsonValueKind.Object) return "the header is not a JSON object";
            foreach (var entry in header.RootElement.EnumerateObject())
            {
                if (entry.Name == "__metadata__") continue;
                if (!entry.Value.TryGetProperty("dtype", out _) || !entry.Value.TryGetProperty("shape", out _)
                    || !entry.Value.TryGetProperty("data_offsets", out var offsets) || offsets.GetArrayLength() != 2)
                    return $"tensor '{entry.Name}' lacks dtype, shape or data_offsets";
                if (offsets[1].GetInt64() > dataLength || offsets[0].GetInt64() > offsets[1].GetInt64())
                    return $"tensor '{entry.Name}' points outside the file's data";
                tensors++;
            }
        }
        catch (JsonException e) { return $"the header is not valid JSON ({e.Message})"; }
        return tensors == 0 ? "the file holds no tensors" : null;
    }
}
