using Likeness.Imaging.Codecs;
using static Likeness.Tests.Codecs.CodecTestImages;

namespace Likeness.Tests.Codecs;

public class ThreadSafetyTests
{
    [Theory]
    [InlineData(ImageFormat.Jpeg)]
    [InlineData(ImageFormat.Png)]
    [InlineData(ImageFormat.WebP)]
    public void Four_threads_decoding_at_once_get_identical_pixels(ImageFormat format)
    {
        var encoded = ImageCodec.Encode(Gradient(160, 120, alpha: format != ImageFormat.Jpeg), format);
        var reference = ImageCodec.Decode(encoded).Data;
        using var start = new Barrier(4);
        var mismatches = new int[4];

        var threads = Enumerable.Range(0, 4).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            for (int i = 0; i < 20; i++)
                if (!ImageCodec.Decode(encoded).Data.AsSpan().SequenceEqual(reference)) mismatches[t]++;
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        Assert.Equal([0, 0, 0, 0], mismatches);
    }

    [Fact]
    public void Encoding_and_decoding_jpeg_concurrently_gives_the_same_bytes()
    {
        var image = Noise(96, 96, alpha: false);
        var reference = ImageCodec.Encode(image, ImageFormat.Jpeg);
        var results = new byte[4][];
        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, t =>
        {
            byte[] last = [];
            for (int i = 0; i < 20; i++)
            {
                Assert.Equal(96, ImageCodec.Decode(reference).Width);
                last = ImageCodec.Encode(image, ImageFormat.Jpeg);
            }
            results[t] = last;
        });
        Assert.All(results, r => Assert.Equal(reference, r));
    }
}
