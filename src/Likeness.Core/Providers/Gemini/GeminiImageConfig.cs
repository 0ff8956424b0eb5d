using System.Text.Json.Nodes;

namespace Likeness.Providers.Gemini;

/// <summary>
/// generationConfig.imageConfig for image output: the supported aspect ratio nearest the requested size and the
/// smallest imageSize tier that covers its longest edge. Ratios and tiers: ai.google.dev/gemini-api/docs/image-generation
/// and the API reference's ImageConfig (aspectRatio 1:1 … 21:9; imageSize 1K, 2K, 4K, default 1K), read 2026-12-05.
/// </summary>
static class GeminiImageConfig
{
    static readonly (int W, int H)[] Ratios = [(1, 1), (2, 3), (3, 2), (3, 4), (4, 3), (4, 5), (5, 4), (9, 16), (16, 9), (21, 9)];

    public static JsonObject For(int width, int height) => new()
    {
        ["aspectRatio"] = AspectRatio(width, height),
        ["imageSize"] = ImageSize(width, height),
    };

    public static string AspectRatio(int width, int height)
    {
        double wanted = width / (double)Math.Max(1, height);
        var best = Ratios.MinBy(r => Math.Abs(Math.Log(r.W / (double)r.H / wanted)));
        return $"{best.W}:{best.H}";
    }

    /// <summary>1K ≈ 1024 px, 2K ≈ 2048 px, 4K ≈ 4096 px on the longest edge.</summary>
    public static string ImageSize(int width, int height) => Math.Max(width, height) switch
    {
        <= 1024 => "1K",
        <= 2048 => "2K",
        _ => "4K",
    };
}
