using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Likeness.Server.Tests.Support;

/// <summary>Real image files built in memory (a PNG encoder; a structurally valid baseline-JPEG header stream).</summary>
public static class TestImages
{
    /// <summary>A valid RGB PNG filled with a colour derived from <paramref name="seed"/> (so different seeds give different bytes).</summary>
    public static byte[] Png(int width, int height, int seed = 0)
    {
        var row = 1 + width * 3;
        var raw = new byte[row * height];
        for (var y = 0; y < height; y++)
        for (var x = 0; x < width; x++)
        {
            var o = y * row + 1 + x * 3;
            (raw[o], raw[o + 1], raw[o + 2]) = ((byte)(seed * 37), (byte)(x + seed), (byte)(y * 3));
        }
        using var idat = new MemoryStream();
        using (var z = new ZLibStream(idat, CompressionLevel.Fastest, leaveOpen: true)) z.Write(raw);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(ihdr, (uint)width);
        BinaryPrimitives.WriteUInt32BigEndian(ihdr.AsSpan(4), (uint)height);
        (ihdr[8], ihdr[9]) = (8, 2);
        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        Chunk(png, "IHDR", ihdr);
        Chunk(png, "IDAT", idat.ToArray());
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    internal static void Chunk(Stream s, string type, byte[] data)
    {
        var head = new byte[8];
        BinaryPrimitives.WriteUInt32BigEndian(head, (uint)data.Length);
        Encoding.ASCII.GetBytes(type).CopyTo(head, 4);
        s.Write(head);
        s.Write(data);
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc(head.AsSpan(4).ToArray().Concat(data).ToArray()));
        s.Write(crc);
    }

    static uint Crc(byte[] bytes)
    {
        var c = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            c ^= b;
            for (var k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        }
        return ~c;
    }

    /// <summary>JPEG marker structure (SOI, APP0, SOF0 with the size, SOS, scan bytes, EOI); enough for header checks.</summary>
    public static byte[] JpegHeaderOnly(int width, int height, bool withEnd = true)
    {
        var b = new List<byte> { 0xFF, 0xD8 };
        b.AddRange([0xFF, 0xE0, 0x00, 0x10, (byte)'J', (byte)'F', (byte)'I', (byte)'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]);
        b.AddRange([0xFF, 0xC0, 0x00, 0x11, 8, (byte)(height >> 8), (byte)height, (byte)(width >> 8), (byte)width, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
        b.AddRange([0xFF, 0xDA, 0x00, 0x0C, 3, 1, 0, 2, 0x11, 3, 0x11, 0, 0x3F, 0]);
        b.AddRange(Enumerable.Repeat((byte)0x55, 64));
        if (withEnd) b.AddRange([0xFF, 0xD9]);
        return b.ToArray();
    }
}
