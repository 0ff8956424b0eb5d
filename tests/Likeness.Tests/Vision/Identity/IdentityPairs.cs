using Likeness.Imaging.Codecs;
using Likeness.Tests.Support;
using Likeness.Vision.Faces;
using Likeness.Vision.Faces.Alignment;
using Likeness.Vision.Faces.Detection;

namespace Likeness.Tests.Vision.Identity;

/// <summary>identity/PAIRS.tsv: 590 labelled same/different photo pairs of 13 people.</summary>
public sealed record IdentityPair(string FileA, string FileB, bool Same)
{
    public static IReadOnlyList<IdentityPair> Load()
    {
        var path = TestPaths.TestDataFile("identity/PAIRS.tsv");
        return File.ReadLines(path).Skip(1).Where(l => l.Length > 0)
            .Select(l => l.Split('\t'))
            .Select(c => new IdentityPair(c[0], c[1], c[2] switch
            {
                "same" => true,
                "different" => false,
                _ => throw new FormatException($"PAIRS.tsv: unexpected label '{c[2]}'"),
            }))
            .ToList();
    }

    public static IEnumerable<string> Photos(IEnumerable<IdentityPair> pairs) => pairs.SelectMany(p => new[] { p.FileA, p.FileB }).Distinct();
}

/// <summary>Each identity photo's dominant face (YuNet) aligned to the ArcFace template, computed once per test run.</summary>
public static class AlignedIdentityPhotos
{
    static readonly SemaphoreSlim Gate = new(1, 1);
    static Dictionary<string, AlignedFace>? cache;

    public static async Task<Dictionary<string, AlignedFace>> GetAsync(IEnumerable<string> photos)
    {
        await Gate.WaitAsync();
        try
        {
            cache ??= [];
            var detector = new YuNetDetector(TestModels.Require(YuNetDetector.Model));
            foreach (var photo in photos.Where(p => !cache.ContainsKey(p)))
            {
                var image = TestModels.Photo(photo);
                var faces = await detector.DetectAsync(image);
                if (faces.Count == 0) throw new InvalidOperationException($"{photo}: YuNet found no face");
                cache[photo] = FaceAligner.Align(image, faces[0]);
            }
            return cache;
        }
        finally { Gate.Release(); }
    }
}
