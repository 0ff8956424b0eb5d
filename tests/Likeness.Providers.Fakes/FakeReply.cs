namespace Likeness.Providers.Tests.Fakes;

/// <summary>One answer a test scripts for a fake: an image (a real photo's bytes) or one of the fake's non-image answers.</summary>
public sealed record FakeReply(byte[]? Bytes, FakeGemini.Answer Answer = FakeGemini.Answer.Image)
{
    public static FakeReply Image(byte[] bytes) => new(bytes);
    public static FakeReply Blocked => new(null, FakeGemini.Answer.Safety);
    public static FakeReply Empty => new(null, FakeGemini.Answer.NoImage);

    public static string MimeType(byte[] bytes) => bytes switch
    {
        [0xFF, 0xD8, ..] => "image/jpeg",
        [(byte)'R', (byte)'I', (byte)'F', (byte)'F', ..] => "image/webp",
        [_, _, _, _, (byte)'f', (byte)'t', (byte)'y', (byte)'p', ..] => "video/mp4",
        _ => "image/png",
    };

    public static string Extension(byte[] bytes) => MimeType(bytes) switch
    {
        "image/jpeg" => ".jpg", "image/webp" => ".webp", "video/mp4" => ".mp4", _ => ".png",
    };
}
