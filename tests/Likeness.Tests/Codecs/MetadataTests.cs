using System.Buffers.Binary;
using Likeness.Imaging.Codecs;
using static Likeness.Tests.Codecs.CodecTestImages;

namespace Likeness.Tests.Codecs;

public class MetadataTests
{
    const string Xmp = """<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description likeness:tool="Likeness — ünïcødé ✓" xmlns:likeness="https://likeness.local/ns/1.0/"/></rdf:RDF></x:xmpmeta><?xpacket end="w"?>""";

    [Fact]
    public void Png_text_and_xmp_round_trip_and_pixels_are_untouched()
    {
        var image = Noise(40, 30, alpha: true);
        var text = new Dictionary<string, string> { ["likeness:pipeline"] = "headshot v1", ["Comment"] = "made with Likeness — ✓" };
        var png = ImageCodec.Encode(image, ImageFormat.Png, new EncodeOptions { Metadata = new EmbeddedMetadata(Xmp, text) });

        var read = ImageMetadata.ReadPngText(png);
        Assert.Equal("headshot v1", read["likeness:pipeline"]);
        Assert.Equal("made with Likeness — ✓", read["Comment"]);
        Assert.Equal(Xmp, ImageMetadata.ReadXmp(png));
        Assert.Equal(image.Data, ImageCodec.Decode(png).Data);
    }

    [Fact]
    public void Png_chunks_are_inserted_before_iend_with_valid_crcs()
    {
        var png = ImageMetadata.Embed(ImageCodec.Encode(Quadrants(8, 8), ImageFormat.Png), new EmbeddedMetadata(PngText: new Dictionary<string, string> { ["k"] = "v" }));
        var types = new List<string>();
        foreach (var chunk in new PngChunkReader(png))
        {
            types.Add(System.Text.Encoding.ASCII.GetString(chunk.Type));
            uint stored = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(chunk.Offset + 8 + chunk.Data.Length));
            Assert.Equal(Crc32.Compute(chunk.Type, chunk.Data), stored);
        }
        Assert.Equal(["iTXt", "IEND"], types[^2..]);
        Assert.Equal(png.Length, png.AsSpan().LastIndexOf("IEND"u8) + 8);
    }

    [Fact]
    public void Embedding_again_replaces_instead_of_duplicating()
    {
        var png = ImageCodec.Encode(Quadrants(8, 8), ImageFormat.Png, new EncodeOptions { Metadata = new EmbeddedMetadata("<old/>", new Dictionary<string, string> { ["k"] = "old" }) });
        var again = ImageMetadata.Embed(png, new EmbeddedMetadata("<new/>", new Dictionary<string, string> { ["k"] = "new" }));
        Assert.Equal("<new/>", ImageMetadata.ReadXmp(again));
        Assert.Equal("new", ImageMetadata.ReadPngText(again)["k"]);
        Assert.Equal(2, CountOccurrences(again, "iTXt"u8));

        var jpeg = ImageMetadata.Embed(ImageCodec.Encode(Quadrants(16, 16), ImageFormat.Jpeg, new EncodeOptions { Metadata = new EmbeddedMetadata("<old/>") }), new EmbeddedMetadata("<new/>"));
        Assert.Equal("<new/>", ImageMetadata.ReadXmp(jpeg));
        Assert.Equal(1, CountOccurrences(jpeg, JpegSegments.XmpNamespace));
    }

    [Fact]
    public void Jpeg_xmp_goes_after_jfif_and_the_file_still_decodes_identically()
    {
        var image = Gradient(64, 48, alpha: false);
        var plain = ImageCodec.Encode(image, ImageFormat.Jpeg);
        var tagged = ImageCodec.Encode(image, ImageFormat.Jpeg, new EncodeOptions { Metadata = new EmbeddedMetadata(Xmp) });

        Assert.Equal(Xmp, ImageMetadata.ReadXmp(tagged));
        Assert.Equal([0xFF, 0xD8, 0xFF, 0xE0], tagged[..4]);                     // SOI, then the JFIF APP0 kept first
        int app0End = 4 + (tagged[4] << 8 | tagged[5]);
        Assert.Equal([0xFF, 0xE1], tagged[app0End..(app0End + 2)]);             // then our APP1
        Assert.Equal(ImageCodec.Decode(plain).Data, ImageCodec.Decode(tagged).Data);
        Assert.Null(ImageMetadata.ReadXmp(plain));
    }

    [Fact]
    public void Jpeg_xmp_follows_an_exif_segment_and_keeps_the_orientation()
    {
        var jpeg = InsertAfterSoi(ImageCodec.Encode(Quadrants(32, 16), ImageFormat.Jpeg), ExifSegment(6, bigEndian: false));
        var tagged = ImageMetadata.Embed(jpeg, new EmbeddedMetadata(Xmp));
        Assert.Equal(ImageOrientation.Rotate90, ImageCodec.Identify(tagged).Orientation);
        Assert.Equal(Xmp, ImageMetadata.ReadXmp(tagged));
        Assert.Equal(16, ImageCodec.Decode(tagged).Width);
    }

    [Theory]
    [InlineData(false, false)] // simple VP8
    [InlineData(true, false)]  // simple VP8L
    [InlineData(true, true)]   // VP8L with alpha
    [InlineData(false, true)]  // already VP8X (ALPH + VP8)
    public void Webp_becomes_extended_with_an_xmp_chunk_and_still_decodes(bool lossless, bool alpha)
    {
        var image = Gradient(64, 48, alpha);
        var plain = ImageCodec.Encode(image, ImageFormat.WebP, new EncodeOptions { Lossless = lossless });
        var tagged = ImageMetadata.Embed(plain, new EmbeddedMetadata(Xmp));

        Assert.Equal("VP8X"u8.ToArray(), tagged[12..16]);
        byte flags = tagged[20];
        Assert.True((flags & 0x04) != 0, "XMP flag");
        Assert.Equal(alpha, (flags & 0x10) != 0);
        Assert.Equal(tagged.Length - 8, (int)BinaryPrimitives.ReadUInt32LittleEndian(tagged.AsSpan(4)));
        Assert.Equal(Xmp, ImageMetadata.ReadXmp(tagged));
        Assert.Equal(new ImageInfo(ImageFormat.WebP, 64, 48, ImageOrientation.Normal, alpha), ImageCodec.Identify(tagged));
        Assert.Equal(ImageCodec.Decode(plain).Data, ImageCodec.Decode(tagged).Data);
    }

    [Fact]
    public void Text_entries_are_refused_for_formats_that_cannot_hold_them()
    {
        var options = new EncodeOptions { Metadata = new EmbeddedMetadata(PngText: new Dictionary<string, string> { ["k"] = "v" }) };
        var e = Assert.Throws<ArgumentException>(() => ImageCodec.Encode(Quadrants(8, 8), ImageFormat.Jpeg, options));
        Assert.Contains("put them in the XMP packet", e.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" leading")]
    [InlineData("double  space")]
    [InlineData("emoji ✓")]
    public void Invalid_png_keywords_are_refused(string keyword)
    {
        var options = new EncodeOptions { Metadata = new EmbeddedMetadata(PngText: new Dictionary<string, string> { [keyword] = "v" }) };
        var e = Assert.Throws<ArgumentException>(() => ImageCodec.Encode(Quadrants(8, 8), ImageFormat.Png, options));
        Assert.Contains("1-79 printable Latin-1 characters", e.Message);
    }

    [Fact]
    public void Oversized_jpeg_xmp_is_refused_with_the_limit()
    {
        var options = new EncodeOptions { Metadata = new EmbeddedMetadata(new string('x', 70_000)) };
        var e = Assert.Throws<ArgumentException>(() => ImageCodec.Encode(Quadrants(8, 8), ImageFormat.Jpeg, options));
        Assert.Contains("at most 65,504", e.Message);
    }

    [Fact]
    public void Compressed_text_chunks_written_by_other_tools_are_read()
    {
        var ztxt = (byte[])[.. "Software\0"u8, 0, .. Deflate("GIMP 2.10"u8.ToArray())];
        var itxt = (byte[])[.. "Title\0"u8, 1, 0, .. "en\0Titel\0"u8, .. Deflate("Ünïcode"u8.ToArray())];
        var png = BuildPng(1, 1, 8, 0, [0, 0], ("zTXt", ztxt), ("iTXt", itxt), ("tEXt", "Author\0Ada"u8.ToArray()));
        var text = ImageMetadata.ReadPngText(png);
        Assert.Equal("GIMP 2.10", text["Software"]);
        Assert.Equal("Ünïcode", text["Title"]);
        Assert.Equal("Ada", text["Author"]);
    }

    static int CountOccurrences(ReadOnlySpan<byte> haystack, ReadOnlySpan<byte> needle)
    {
        int count = 0;
        for (int i; (i = haystack.IndexOf(needle)) >= 0; haystack = haystack[(i + needle.Length)..]) count++;
        return count;
    }
}
