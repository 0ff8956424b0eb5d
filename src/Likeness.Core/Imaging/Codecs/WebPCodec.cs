using System.Buffers.Binary;
using static Likeness.Imaging.Codecs.LibWebPNative;

namespace Likeness.Imaging.Codecs;

/// <summary>WebP through libwebp's simple API (thread-safe).</summary>
internal static unsafe class WebPCodec
{
    public const int MaxDimension = 16383;

    public static RgbaImage Decode(ReadOnlySpan<byte> data, ImageInfo info, DecodeOptions options, string? name)
    {
        NativeCodecLibrary.RequireWebP();
        fixed (byte* webp = data)
        {
            WebPBitstreamFeatures features;
            int status = GetFeatures(webp, (nuint)data.Length, &features);
            if (status != 0) throw Corrupt(data, $"libwebp: {Describe(status)}", name);
            if (features.HasAnimation != 0)
                throw new ImageDecodeException(ImageDecodeFailure.UnsupportedFeature,
                    "animated WebP is not supported: export one frame as PNG/JPEG/WebP", name, ImageFormat.WebP);
            if (features.Width != info.Width || features.Height != info.Height)
                ImageHeaders.EnsureWithinLimit(info with { Width = features.Width, Height = features.Height }, options, name);

            var image = new RgbaImage(features.Width, features.Height);
            fixed (byte* pixels = image.Data)
            {
                if (WebPDecodeRGBAInto(webp, (nuint)data.Length, pixels, (nuint)image.Data.Length, image.Stride) == null)
                    throw Corrupt(data, "libwebp could not decode the bitstream", name);
            }
            return image;
        }
    }

    /// <summary>libwebp's simple API gives no reason on failure; a RIFF size beyond the data is the usual one.</summary>
    static ImageDecodeException Corrupt(ReadOnlySpan<byte> data, string detail, string? name)
    {
        long declared = BinaryPrimitives.ReadUInt32LittleEndian(data[4..]) + 8L;
        if (declared > data.Length) detail += $"; file is truncated: RIFF header declares {declared:N0} bytes, only {data.Length:N0} present";
        return ImageDecodeException.Corrupt(ImageFormat.WebP, detail, name);
    }

    public static byte[] Encode(RgbaImage image, EncodeOptions options)
    {
        NativeCodecLibrary.RequireWebP();
        if (image.Width > MaxDimension || image.Height > MaxDimension)
            throw new ImageEncodeException($"WebP cannot hold {image.Width}x{image.Height}: both sides must be at most {MaxDimension}; resize it or save as PNG");
        int quality = options.Lossless ? 100 : options.QualityFor(ImageFormat.WebP);
        byte* output = null;
        try
        {
            nuint size;
            fixed (byte* pixels = image.Data)
            {
                size = options.Lossless
                    ? WebPEncodeLosslessRGBA(pixels, image.Width, image.Height, image.Stride, &output)
                    : WebPEncodeRGBA(pixels, image.Width, image.Height, image.Stride, quality, &output);
            }
            if (size == 0 || output == null)
                throw new ImageEncodeException($"WebP encode of {image.Width}x{image.Height} failed inside libwebp (out of memory?)");
            return new ReadOnlySpan<byte>(output, checked((int)size)).ToArray();
        }
        finally
        {
            if (output != null) WebPFree(output);
        }
    }
}
