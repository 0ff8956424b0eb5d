using System.Buffers;
using static Likeness.Imaging.Codecs.LibPngNative;

namespace Likeness.Imaging.Codecs;

/// <summary>PNG through libpng's simplified API (thread-safe: all state lives in the per-call png_image).</summary>
internal static unsafe class PngCodec
{
    public static RgbaImage Decode(ReadOnlySpan<byte> data, ImageInfo info, DecodeOptions options, string? name)
    {
        NativeCodecLibrary.RequirePng();
        var control = new PngImage { Version = PngImage.Version1 };
        try
        {
            fixed (byte* png = data)
            {
                if (png_image_begin_read_from_memory(&control, png, (nuint)data.Length) == 0)
                    throw Failure(control, name);
                if (control.Width != info.Width || control.Height != info.Height)
                    ImageHeaders.EnsureWithinLimit(info with { Width = (int)control.Width, Height = (int)control.Height }, options, name);

                control.Format = PngImage.FormatRgba;
                control.Flags |= PngImage.Flag16BitSrgb;
                var image = new RgbaImage((int)control.Width, (int)control.Height);
                fixed (byte* pixels = image.Data)
                {
                    // The memory passed to begin_read is read lazily until here, so both calls sit inside one `fixed`.
                    if (png_image_finish_read(&control, null, pixels, image.Stride, null) == 0)
                        throw Failure(control, name);
                }
                return image;
            }
        }
        finally
        {
            png_image_free(&control);
        }
    }

    static ImageDecodeException Failure(in PngImage control, string? name)
        => ImageDecodeException.Corrupt(ImageFormat.Png, $"libpng: {control.MessageText()}", name);

    public static byte[] Encode(RgbaImage image, bool fast)
    {
        NativeCodecLibrary.RequirePng();
        bool opaque = image.IsOpaque();
        byte[] pixels = opaque ? DropAlpha(image) : image.Data;
        int stride = opaque ? image.Width * 3 : image.Stride;
        long rawSize = (long)stride * image.Height;
        // A guess that fits almost every image; libpng reports the exact need when it does not.
        nuint capacity = (nuint)(rawSize + rawSize / 64 + image.Height + 4096);
        for (int attempt = 0; ; attempt++)
        {
            byte[] buffer = ArrayPool<byte>.Shared.Rent(checked((int)capacity));
            try
            {
                nuint written = (nuint)buffer.Length;
                var control = new PngImage
                {
                    Version = PngImage.Version1,
                    Width = (uint)image.Width,
                    Height = (uint)image.Height,
                    Format = opaque ? PngImage.FormatRgb : PngImage.FormatRgba,
                    Flags = fast ? PngImage.FlagFast : 0,
                };
                int ok;
                fixed (byte* output = buffer)
                fixed (byte* input = pixels)
                {
                    ok = png_image_write_to_memory(&control, output, &written, 0, input, stride, null);
                    png_image_free(&control);
                }
                if (ok != 0) return buffer.AsSpan(0, checked((int)written)).ToArray();
                if (written <= (nuint)buffer.Length || attempt > 0)
                    throw new ImageEncodeException($"PNG encode of {image.Width}x{image.Height} failed (libpng: {control.MessageText()})");
                capacity = written;
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    static byte[] DropAlpha(RgbaImage image)
    {
        var rgb = new byte[image.PixelCount * 3];
        var src = image.Data;
        for (int s = 0, d = 0; s < src.Length; s += 4, d += 3)
        {
            rgb[d] = src[s];
            rgb[d + 1] = src[s + 1];
            rgb[d + 2] = src[s + 2];
        }
        return rgb;
    }
}
