using System.Runtime.InteropServices;

namespace Likeness.Imaging;

/// <summary>One RGBA pixel, 8 bits per channel, straight (not premultiplied) alpha.</summary>
[StructLayout(LayoutKind.Sequential)]
public record struct Rgba32(byte R, byte G, byte B, byte A = 255);

/// <summary>
/// An 8-bit RGBA image stored row-major without padding (stride = Width * 4).
/// Alpha is straight unless an operation says otherwise.
/// </summary>
public sealed class RgbaImage
{
    public int Width { get; }
    public int Height { get; }
    public byte[] Data { get; }

    public RgbaImage(int width, int height)
        : this(width, height, new byte[checked(width * height * 4)]) { }

    public RgbaImage(int width, int height, byte[] data)
    {
        if (width <= 0 || height <= 0) throw new ArgumentOutOfRangeException(nameof(width), $"image size must be positive, got {width}x{height}");
        if (data.Length != (long)width * height * 4) throw new ArgumentException($"buffer holds {data.Length} bytes, {width}x{height} RGBA needs {(long)width * height * 4}", nameof(data));
        Width = width;
        Height = height;
        Data = data;
    }

    public int Stride => Width * 4;
    public long PixelCount => (long)Width * Height;

    public Span<byte> Row(int y) => Data.AsSpan(y * Stride, Stride);
    public Span<Rgba32> Pixels => MemoryMarshal.Cast<byte, Rgba32>(Data.AsSpan());
    public Span<Rgba32> PixelRow(int y) => MemoryMarshal.Cast<byte, Rgba32>(Row(y));

    public Rgba32 this[int x, int y]
    {
        get => Pixels[y * Width + x];
        set => Pixels[y * Width + x] = value;
    }

    public RgbaImage Clone() => new(Width, Height, (byte[])Data.Clone());

    public static RgbaImage Filled(int width, int height, Rgba32 color)
    {
        var img = new RgbaImage(width, height);
        img.Pixels.Fill(color);
        return img;
    }

    /// <summary>True when every pixel is fully opaque.</summary>
    public bool IsOpaque()
    {
        var d = Data;
        for (int i = 3; i < d.Length; i += 4) if (d[i] != 255) return false;
        return true;
    }

    public override string ToString() => $"RgbaImage {Width}x{Height}";
}
