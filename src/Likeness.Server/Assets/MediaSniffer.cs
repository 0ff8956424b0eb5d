using Likeness.Server.Data;
using Likeness.Server.PhotoChecks;

namespace Likeness.Server.Assets;

/// <summary>Decides an upload's media type from its first bytes and whether it fits the asset type.</summary>
public static class MediaSniffer
{
    public sealed record Verdict(string? MediaType, int? Width, int? Height, string? Problem);

    public static Verdict Sniff(AssetType type, ReadOnlySpan<byte> head, IImageInspector inspector, Func<ReadOnlySpan<byte>> whole)
    {
        switch (type)
        {
            case AssetType.Headshot or AssetType.Background or AssetType.SceneImage:
                var image = inspector.Inspect(whole());
                return image.IsImage
                    ? new Verdict(image.MediaType, image.Width, image.Height, null)
                    : new Verdict(null, null, null, $"{Api.Json.Wire(type)} assets must be JPEG, PNG or WebP images: {image.Problem}.");
            case AssetType.LoraModel:
                // safetensors: 8-byte little-endian header length, then a JSON header.
                return head.Length > 9 && head[8] == (byte)'{' && BitConverter.ToUInt64(head[..8]) < 100_000_000
                    ? new Verdict("application/vnd.safetensors", null, null, null)
                    : new Verdict(null, null, null, "LORA_MODEL assets must be .safetensors files (8-byte header length followed by a JSON header).");
            case AssetType.TrainingVideo or AssetType.Video:
                if (head.Length > 12 && head.Slice(4, 4).SequenceEqual("ftyp"u8)) return new Verdict(head.Slice(8, 2).SequenceEqual("qt"u8) ? "video/quicktime" : "video/mp4", null, null, null);
                if (head.Length > 4 && head[..4].SequenceEqual(new byte[] { 0x1A, 0x45, 0xDF, 0xA3 })) return new Verdict("video/webm", null, null, null);
                return new Verdict(null, null, null, $"{Api.Json.Wire(type)} assets must be MP4, MOV or WebM videos.");
            default:
                if (head.Length > 12 && head[..4].SequenceEqual("RIFF"u8) && head.Slice(8, 4).SequenceEqual("WAVE"u8)) return new Verdict("audio/wav", null, null, null);
                if (head.Length > 4 && head[..4].SequenceEqual("OggS"u8)) return new Verdict("audio/ogg", null, null, null);
                if (head.Length > 4 && head[..4].SequenceEqual("fLaC"u8)) return new Verdict("audio/flac", null, null, null);
                if (head.Length > 3 && (head[..3].SequenceEqual("ID3"u8) || (head[0] == 0xFF && (head[1] & 0xE0) == 0xE0))) return new Verdict("audio/mpeg", null, null, null);
                return new Verdict(null, null, null, $"{Api.Json.Wire(type)} assets must be WAV, MP3, OGG or FLAC audio.");
        }
    }
}
