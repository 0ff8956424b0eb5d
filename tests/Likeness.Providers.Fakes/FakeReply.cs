namespace Likeness.Providers.Tests.Fakes;

/// <summary>One answer a test scripts for a fake: an image (a real photo's bytes) or one of the fake's non-image answers.</summary>
public sealed record FakeReply(byte[]? Bytes, FakeGemini.Answer Answer = FakeGemini.Answer.Image)
{
    public static FakeReply Image(byte[] bytes) => new(bytes);
    public static FakeReply Blocked => new(null, FakeGemini.Answer.Safety);
    public static FakeReply Empty => new(null, FakeGemini.Answer.NoImage);

    public static string MimeType(byte[] bytes) => bytes is [0xFF, 0xD8, ..] ? "image/jpeg" : bytes is [(byte)'R', (byte)'I', (byte)'F', (byte)'F', ..] ? "image/webp" : "image/png";
}
