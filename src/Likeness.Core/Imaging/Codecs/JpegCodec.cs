using System.Runtime.InteropServices;
using static Likeness.Imaging.Codecs.TurboJpegNative;

namespace Likeness.Imaging.Codecs;

/// <summary>
/// JPEG through TurboJPEG. Handles are not thread-safe, so each call creates its own: that costs about 1 microsecond,
/// against ~12 ms to decode a 1 MP photo, and leaves no per-thread handles behind.
/// </summary>
internal static unsafe class JpegCodec
{
    public static RgbaImage Decode(ReadOnlySpan<byte> data, ImageInfo info, DecodeOptions options, string? name)
    {
        NativeCodecLibrary.RequireTurboJpeg();
        using var handle = TurboJpegHandle.Create(tjInitDecompress(), "decompress");
        var size = new CULong((nuint)data.Length);
        fixed (byte* jpeg = data)
        {
            int width, height, subsampling, colorspace;
            if (tjDecompressHeader3(handle, jpeg, size, &width, &height, &subsampling, &colorspace) != 0)
                throw Failure(handle, name);
            if (width != info.Width || height != info.Height)
            {
                info = info with { Width = width, Height = height };
                ImageHeaders.EnsureWithinLimit(info, options, name);
            }

            bool cmyk = colorspace is ColorspaceCmyk or ColorspaceYcck;
            var image = new RgbaImage(width, height);
            fixed (byte* pixels = image.Data)
            {
                int rc = tjDecompress2(handle, jpeg, size, pixels, width, width * 4, height, cmyk ? PixelFormatCmyk : PixelFormatRgba, 0);
                // Warnings such as "premature end of JPEG file" also return -1, with the missing tail filled grey.
                if (rc != 0 && !(options.TolerateJpegWarnings && tjGetErrorCode(handle) != ErrorFatal))
                    throw Failure(handle, name);
            }
            if (cmyk) ConvertInvertedCmykToRgba(image.Data);
            return options.ApplyExifOrientation ? info.Orientation.ApplyTo(image) : image;
        }
    }

    static ImageDecodeException Failure(TurboJpegHandle handle, string? name)
        => ImageDecodeException.Corrupt(ImageFormat.Jpeg, $"libturbojpeg: {LastError(handle)}", name);

    /// <summary>Adobe-style CMYK as libjpeg returns it (inverted: 255 = no ink), the same formula libjpeg-turbo's tools use.</summary>
    static void ConvertInvertedCmykToRgba(Span<byte> pixels)
    {
        for (int i = 0; i < pixels.Length; i += 4)
        {
            int k = pixels[i + 3];
            pixels[i] = (byte)((pixels[i] * k + 127) / 255);
            pixels[i + 1] = (byte)((pixels[i + 1] * k + 127) / 255);
            pixels[i + 2] = (byte)((pixels[i + 2] * k + 127) / 255);
            pixels[i + 3] = 255;
        }
    }

    public static byte[] Encode(RgbaImage image, EncodeOptions options)
    {
        int quality = options.QualityFor(ImageFormat.Jpeg);
        if (image.Width > 65535 || image.Height > 65535)
            throw new ImageEncodeException($"JPEG cannot hold {image.Width}x{image.Height}: both sides must be at most 65535; resize it or save as PNG");
        var source = image.IsOpaque() ? image : Flatten(image, options.JpegBackground);
        NativeCodecLibrary.RequireTurboJpeg();
        using var handle = TurboJpegHandle.Create(tjInitCompress(), "compress");
        byte* jpeg = null;
        CULong size = default;
        try
        {
            fixed (byte* pixels = source.Data)
            {
                if (tjCompress2(handle, pixels, source.Width, source.Stride, source.Height, PixelFormatRgba, &jpeg, &size, Subsampling420, quality, 0) != 0)
                    throw new ImageEncodeException($"JPEG encode of {image.Width}x{image.Height} failed (libturbojpeg: {LastError(handle)})");
            }
            return new ReadOnlySpan<byte>(jpeg, checked((int)size.Value)).ToArray();
        }
        finally
        {
            if (jpeg != null) tjFree(jpeg);
        }
    }

    /// <summary>JPEG has no alpha: composite straight-alpha pixels over the background.</summary>
    static RgbaImage Flatten(RgbaImage image, Rgba32 background)
    {
        var flat = new RgbaImage(image.Width, image.Height);
        var src = image.Data;
        var dst = flat.Data;
        for (int i = 0; i < src.Length; i += 4)
        {
            int a = src[i + 3], inverse = 255 - a;
            dst[i] = (byte)((src[i] * a + background.R * inverse + 127) / 255);
            dst[i + 1] = (byte)((src[i + 1] * a + background.G * inverse + 127) / 255);
            dst[i + 2] = (byte)((src[i + 2] * a + background.B * inverse + 127) / 255);
            dst[i + 3] = 255;
        }
        return flat;
    }
}
