using System.Buffers.Binary;
using System.IO.Compression;
using Likeness.Imaging;
using Likeness.Imaging.Codecs;

namespace Likeness.Tests.Codecs;

/// <summary>Generated test images and hand-built files; nothing here comes from disk.</summary>
internal static class CodecTestImages
{
    public static readonly Rgba32 Red = new(220, 30, 30), Green = new(30, 200, 60), Blue = new(40, 60, 210), Yellow = new(230, 220, 40);

    /// <summary>Four flat quadrants (TL red, TR green, BL blue, BR yellow): every flip and rotation looks different.</summary>
    public static RgbaImage Quadrants(int width, int height)
    {
        var img = new RgbaImage(width, height);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                img[x, y] = (x < width / 2, y < height / 2) switch
                {
                    (true, true) => Red,
                    (false, true) => Green,
                    (true, false) => Blue,
                    _ => Yellow,
                };
        return img;
    }

    /// <summary>Deterministic noise; with <paramref name="alpha"/> every alpha value 0..255 appears, including RGB under alpha 0.</summary>
    public static RgbaImage Noise(int width, int height, bool alpha, int seed = 7)
    {
        var img = new RgbaImage(width, height);
        new Random(seed).NextBytes(img.Data);
        if (!alpha) for (int i = 3; i < img.Data.Length; i += 4) img.Data[i] = 255;
        return img;
    }

    /// <summary>A smooth gradient with soft alpha, the kind of content lossy codecs handle well.</summary>
    public static RgbaImage Gradient(int width, int height, bool alpha)
    {
        var img = new RgbaImage(width, height);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                img[x, y] = new Rgba32((byte)(x * 255 / (width - 1)), (byte)(y * 255 / (height - 1)), (byte)((x + y) * 255 / (width + height - 2)),
                    alpha ? (byte)(x < width / 2 ? 255 : 96) : (byte)255);
        return img;
    }

    public static int MaxChannelDifference(RgbaImage a, RgbaImage b)
    {
        Assert.Equal((a.Width, a.Height), (b.Width, b.Height));
        int max = 0;
        for (int i = 0; i < a.Data.Length; i++) max = Math.Max(max, Math.Abs(a.Data[i] - b.Data[i]));
        return max;
    }

    public static double MeanAbsoluteDifference(RgbaImage a, RgbaImage b)
    {
        Assert.Equal((a.Width, a.Height), (b.Width, b.Height));
        long sum = 0;
        for (int i = 0; i < a.Data.Length; i++) sum += Math.Abs(a.Data[i] - b.Data[i]);
        return (double)sum / a.Data.Length;
    }

    public static void AssertClose(Rgba32 expected, Rgba32 actual, int tolerance, string because = "")
    {
        bool close = Math.Abs(expected.R - actual.R) <= tolerance && Math.Abs(expected.G - actual.G) <= tolerance
            && Math.Abs(expected.B - actual.B) <= tolerance && Math.Abs(expected.A - actual.A) <= tolerance;
        Assert.True(close, $"expected {expected} +-{tolerance}, got {actual} {because}");
    }

    /// <summary>An APP1 Exif segment whose IFD0 holds ImageWidth then Orientation, in either TIFF byte order.</summary>
    public static byte[] ExifSegment(int orientation, bool bigEndian)
    {
        var tiff = new byte[8 + 2 + 2 * 12 + 4];
        void U16(int at, int v) { if (bigEndian) BinaryPrimitives.WriteUInt16BigEndian(tiff.AsSpan(at), (ushort)v); else BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(at), (ushort)v); }
        void U32(int at, int v) { if (bigEndian) BinaryPrimitives.WriteUInt32BigEndian(tiff.AsSpan(at), (uint)v); else BinaryPrimitives.WriteUInt32LittleEndian(tiff.AsSpan(at), (uint)v); }
        tiff[0] = tiff[1] = (byte)(bigEndian ? 'M' : 'I');
        U16(2, 42);
        U32(4, 8);
        U16(8, 2);
        U16(10, 0x0100); U16(12, 4); U32(14, 1); U32(18, 1234);            // ImageWidth LONG
        U16(22, 0x0112); U16(24, 3); U32(26, 1); U16(30, orientation);     // Orientation SHORT
        U32(34, 0);                                                        // no next IFD
        int length = 2 + 6 + tiff.Length;
        return [0xFF, 0xE1, (byte)(length >> 8), (byte)length, .. "Exif\0\0"u8, .. tiff];
    }

    /// <summary>Puts a segment right after SOI.</summary>
    public static byte[] InsertAfterSoi(byte[] jpeg, byte[] segment) => [.. jpeg.AsSpan(0, 2), .. segment, .. jpeg.AsSpan(2)];

    /// <summary>A PNG assembled chunk by chunk, for bit depths and color types our encoder never writes.</summary>
    public static byte[] BuildPng(int width, int height, byte bitDepth, byte colorType, byte[] rawRows, params (string Type, byte[] Data)[] extraChunks)
    {
        using var output = new MemoryStream();
        output.Write(FormatSniffer.PngSignature);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(ihdr, (uint)width);
        BinaryPrimitives.WriteUInt32BigEndian(ihdr.AsSpan(4), (uint)height);
        ihdr[8] = bitDepth;
        ihdr[9] = colorType;
        PngChunkWriter.Write(output, "IHDR"u8, ihdr);
        foreach (var (type, data) in extraChunks) PngChunkWriter.Write(output, System.Text.Encoding.ASCII.GetBytes(type), data);
        PngChunkWriter.Write(output, "IDAT"u8, Deflate(rawRows));
        PngChunkWriter.Write(output, "IEND"u8, []);
        return output.ToArray();
    }

    public static byte[] Deflate(byte[] data)
    {
        using var buffer = new MemoryStream();
        using (var z = new ZLibStream(buffer, CompressionLevel.Fastest, leaveOpen: true)) z.Write(data);
        return buffer.ToArray();
    }

    /// <summary>Rows prefixed with filter byte 0 (None).</summary>
    public static byte[] UnfilteredRows(int rowBytes, int height, Func<int, int, byte> valueAt)
    {
        var raw = new byte[(rowBytes + 1) * height];
        for (int y = 0; y < height; y++)
            for (int i = 0; i < rowBytes; i++) raw[y * (rowBytes + 1) + 1 + i] = valueAt(y, i);
        return raw;
    }
}
