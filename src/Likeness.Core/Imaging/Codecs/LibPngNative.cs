using System.Runtime.InteropServices;
using System.Text;
using Likeness.Native;

namespace Likeness.Imaging.Codecs;

/// <summary>The libpng "simplified API" control struct: 104 bytes on 64-bit (pointer, 7 uint32, 64-byte message, padding).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct PngImage
{
    public const uint Version1 = 1;          // PNG_IMAGE_VERSION
    public const uint FormatRgb = 2;         // PNG_FORMAT_RGB
    public const uint FormatRgba = 3;        // PNG_FORMAT_RGBA
    public const uint FlagFast = 0x02;       // PNG_IMAGE_FLAG_FAST: no filters, zlib level 3
    public const uint Flag16BitSrgb = 0x04;  // PNG_IMAGE_FLAG_16BIT_sRGB: untagged 16-bit files are sRGB, not linear

    public IntPtr Opaque;
    public uint Version;
    public uint Width;
    public uint Height;
    public uint Format;
    public uint Flags;
    public uint ColormapEntries;
    public uint WarningOrError;
    public fixed byte Message[64];

    public string MessageText()
    {
        fixed (byte* m = Message)
        {
            var text = new ReadOnlySpan<byte>(m, 64);
            int end = text.IndexOf((byte)0);
            return Encoding.UTF8.GetString(end < 0 ? text : text[..end]).Trim();
        }
    }
}

internal static unsafe class LibPngNative
{
    [DllImport(NativeLibraries.Png)] public static extern int png_image_begin_read_from_memory(PngImage* image, byte* memory, nuint size);
    [DllImport(NativeLibraries.Png)] public static extern int png_image_finish_read(PngImage* image, void* background, byte* buffer, int rowStride, void* colormap);
    [DllImport(NativeLibraries.Png)] public static extern void png_image_free(PngImage* image);

    [DllImport(NativeLibraries.Png)]
    public static extern int png_image_write_to_memory(PngImage* image, byte* memory, nuint* memoryBytes,
        int convertTo8Bit, byte* buffer, int rowStride, void* colormap);
}
