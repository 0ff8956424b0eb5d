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
        return options.Lossless ? EncodeLossless(image) : EncodeLossy(image, options.QualityFor(ImageFormat.WebP));
    }

    static byte[] EncodeLossy(RgbaImage image, int quality)
    {
        byte* output = null;
        try
        {
            nuint size;
            fixed (byte* pixels = image.Data)
                size = WebPEncodeRGBA(pixels, image.Width, image.Height, image.Stride, quality, &output);
            if (size == 0 || output == null)
                throw new ImageEncodeException($"WebP encode of {image.Width}x{image.Height} failed inside libwebp (out of memory?)");
            return new ReadOnlySpan<byte>(output, checked((int)size)).ToArray();
        }
        finally
        {
            if (output != null) WebPFree(output);
        }
    }

    /// <summary>
    /// The advanced API with `exact` set: WebPEncodeLosslessRGBA zeroes the RGB under fully transparent pixels,
    /// which would break "lossless" for cut-outs whose hidden colour matters to later edits.
    /// Quality 70 / method 4 are the simple API's lossless settings.
    /// </summary>
    static byte[] EncodeLossless(RgbaImage image)
    {
        WebPConfig config;
        WebPPicture picture;
        WebPMemoryWriter writer;
        if (LibWebPEncoderNative.WebPConfigInitInternal(&config, 0, 70f, LibWebPEncoderNative.EncoderAbiVersion) == 0
            || LibWebPEncoderNative.WebPPictureInitInternal(&picture, LibWebPEncoderNative.EncoderAbiVersion) == 0)
            throw new ImageEncodeException("libwebp rejected our encoder ABI version: install libwebp 1.x (`apt-get install libwebp7`)");
        config.Lossless = 1;
        config.Exact = 1;
        if (LibWebPEncoderNative.WebPValidateConfig(&config) == 0)
            throw new ImageEncodeException("libwebp refused the lossless configuration (unexpected WebPConfig layout?)");

        picture.UseArgb = 1;
        picture.Width = image.Width;
        picture.Height = image.Height;
        LibWebPEncoderNative.WebPMemoryWriterInit(&writer);
        picture.Writer = NativeCodecLibrary.WebPMemoryWrite();
        picture.CustomPtr = &writer;
        try
        {
            fixed (byte* pixels = image.Data)
            {
                if (LibWebPEncoderNative.WebPPictureImportRGBA(&picture, pixels, image.Stride) == 0)
                    throw new ImageEncodeException($"WebP encode of {image.Width}x{image.Height} failed: libwebp could not import the pixels (out of memory?)");
            }
            if (LibWebPEncoderNative.WebPEncode(&config, &picture) == 0)
                throw new ImageEncodeException($"WebP encode of {image.Width}x{image.Height} failed (libwebp: {LibWebPEncoderNative.DescribeError(picture.ErrorCode)})");
            return new ReadOnlySpan<byte>(writer.Mem, checked((int)writer.Size)).ToArray();
        }
        finally
        {
            LibWebPEncoderNative.WebPPictureFree(&picture);
            LibWebPEncoderNative.WebPMemoryWriterClear(&writer);
        }
    }
}
