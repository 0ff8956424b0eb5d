namespace Likeness.Models;

/// <summary>Bytes from a source did not match the manifest's size or SHA-256; they were discarded.</summary>
public sealed class ModelIntegrityException(string message) : IOException(message)
{
    public static ModelIntegrityException HashMismatch(ModelInfo model, string source, string actualSha256) =>
        new($"sha256 mismatch for {model.File} from {source}: expected {model.Sha256}, got {actualSha256}; the bytes were discarded. "
            + "The source holds a different file: fix or remove it, or pick another source.");

    public static ModelIntegrityException SizeMismatch(ModelInfo model, string source, long actualBytes) =>
        new($"size mismatch for {model.File} from {source}: expected {model.Bytes:N0} bytes, got {actualBytes:N0}; the bytes were discarded. "
            + "The transfer was cut short or the source holds a different file.");
}
