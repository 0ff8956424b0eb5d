using System.Buffers.Binary;

namespace Likeness.Imaging.Codecs;

/// <summary>Reads the orientation tag from an EXIF (TIFF-structured) block; anything malformed counts as Normal.</summary>
internal static class ExifReader
{
    const ushort OrientationTag = 0x0112;
    const ushort TypeShort = 3;
    const ushort TypeLong = 4;

    internal static ReadOnlySpan<byte> JpegExifPrefix => "Exif\0\0"u8;

    /// <param name="tiff">The block starting at the "II*\0" or "MM\0*" TIFF header.</param>
    public static ImageOrientation ReadOrientation(ReadOnlySpan<byte> tiff)
    {
        if (tiff.Length < 8) return ImageOrientation.Normal;
        bool little;
        if (tiff[0] == 'I' && tiff[1] == 'I') little = true;
        else if (tiff[0] == 'M' && tiff[1] == 'M') little = false;
        else return ImageOrientation.Normal;

        if (U16(tiff, 2, little) != 42) return ImageOrientation.Normal;
        uint ifd = U32(tiff, 4, little);
        if (ifd < 8 || ifd > tiff.Length - 2) return ImageOrientation.Normal;

        int count = U16(tiff, (int)ifd, little);
        for (int i = 0; i < count; i++)
        {
            int entry = (int)ifd + 2 + 12 * i;
            if (entry + 12 > tiff.Length) break;
            if (U16(tiff, entry, little) != OrientationTag) continue;
            uint value = U16(tiff, entry + 2, little) switch
            {
                TypeShort => U16(tiff, entry + 8, little),
                TypeLong => U32(tiff, entry + 8, little),
                _ => 0,
            };
            return value is >= 1 and <= 8 ? (ImageOrientation)value : ImageOrientation.Normal;
        }
        return ImageOrientation.Normal;
    }

    static ushort U16(ReadOnlySpan<byte> b, int at, bool little)
        => little ? BinaryPrimitives.ReadUInt16LittleEndian(b[at..]) : BinaryPrimitives.ReadUInt16BigEndian(b[at..]);

    static uint U32(ReadOnlySpan<byte> b, int at, bool little)
        => little ? BinaryPrimitives.ReadUInt32LittleEndian(b[at..]) : BinaryPrimitives.ReadUInt32BigEndian(b[at..]);
}
