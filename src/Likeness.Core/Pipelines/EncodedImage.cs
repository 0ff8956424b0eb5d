using Likeness.Imaging;
using Likeness.Imaging.Codecs;

namespace Likeness.Pipelines;

/// <summary>An input image as bytes with its name and hash, decoded on demand (errors name the file).</summary>
public sealed class EncodedImage(string name, byte[] bytes)
{
    public string Name { get; } = name;
    public byte[] Bytes { get; } = bytes;
    public string Sha256 { get; } = Pipelines.Sha256.Hex(bytes);

    public static EncodedImage FromFile(string path)
    {
        if (!File.Exists(path)) throw new LikenessException($"{path}: file not found");
        return new EncodedImage(Path.GetFileName(path), File.ReadAllBytes(path));
    }

    public RgbaImage Decode(DecodeOptions? options = null) => ImageCodec.Decode(Bytes, Name, options);
}
