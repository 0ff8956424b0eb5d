using System.Numerics;
using static Likeness.Vision.Pose.OpenPose18;

namespace Likeness.Vision.Pose.Templates;

/// <summary>Turns an estimated body pose into a <see cref="PoseTemplate"/>: canvas, framing and difficulty.</summary>
public static class PoseTemplates
{
    /// <summary>Fewer confident joints than this do not make a usable pose (a face and shoulders is 7).</summary>
    public const int MinVisibleKeypoints = 8;

    /// <summary>MoveNet scores below this are guesses (joints out of view or hidden).</summary>
    public const float DefaultMinScore = 0.3f;

    /// <summary>
    /// The pose's confident joints on a canvas around the body: the keypoints' box, extended up by the nose-to-neck
    /// distance for the skull (no keypoint marks the top of the head), a little below the ankles for the feet, and a
    /// margin all round. Returns null when fewer than <see cref="MinVisibleKeypoints"/> joints are confident.
    /// </summary>
    public static PoseTemplate? From(BodyPose pose, string id, string name, string category, float minScore = DefaultMinScore,
        IReadOnlyList<string>? tags = null, PoseSource? source = null)
    {
        var points = DropOrphans(pose.ToOpenPose18().Select(k => k.Score >= minScore ? k.Position : (Vector2?)null).ToArray());
        if (points.Count(p => p is not null) < MinVisibleKeypoints) return null;
        var visible = points.OfType<Vector2>().ToArray();
        float x0 = visible.Min(p => p.X), x1 = visible.Max(p => p.X), y0 = visible.Min(p => p.Y), y1 = visible.Max(p => p.Y);
        if (points[Nose] is { } nose && points[Neck] is { } neck) y0 = Math.Min(y0, nose.Y - Vector2.Distance(nose, neck));
        float height = Math.Max(y1 - y0, 1);
        y1 += height * (points[RightAnkle] is not null || points[LeftAnkle] is not null ? 0.04f : 0.02f);
        float padX = height * 0.1f, padY = height * 0.05f;
        x0 -= padX; x1 += padX; y0 -= padY; y1 += padY;
        float w = x1 - x0, h = y1 - y0;
        var normalised = points.Select(p => p is { } v ? new Vector2((v.X - x0) / w, (v.Y - y0) / h) : (Vector2?)null).ToArray();
        return new PoseTemplate
        {
            Id = id, Name = name, Category = category, Tags = tags ?? [], Aspect = w / h, Keypoints = normalised, Source = source,
            Framing = FramingOf(normalised), Difficulty = DifficultyOf(normalised),
        };
    }

    /// <summary>
    /// Removes joints none of whose limbs can be drawn (a wrist without its elbow): on their own they are usually a
    /// misplaced guess, and in a control image they are a stray dot the generator has to interpret.
    /// </summary>
    public static Vector2?[] DropOrphans(Vector2?[] points)
    {
        var kept = (Vector2?[])points.Clone();
        for (int i = 0; i < kept.Length; i++)
        {
            if (kept[i] is null) continue;
            bool connected = OpenPose18.Limbs.Any(l => (l.From == i && points[l.To] is not null) || (l.To == i && points[l.From] is not null));
            if (!connected) kept[i] = null;
        }
        return kept;
    }

    public static PoseFraming FramingOf(IReadOnlyList<Vector2?> k) =>
        k[RightAnkle] is not null || k[LeftAnkle] is not null ? PoseFraming.FullBody
        : k[RightKnee] is not null || k[LeftKnee] is not null ? PoseFraming.ThreeQuarter
        : PoseFraming.UpperBody;

    /// <summary>
    /// Counts what makes a pose hard to reproduce: bent elbows and knees, hands above the shoulders, a leaning torso,
    /// a wide stance. 0–1 is simple, 2–3 medium, 4 or more complex.
    /// </summary>
    public static PoseDifficulty DifficultyOf(IReadOnlyList<Vector2?> k)
    {
        int score = 0;
        score += Bent(k[RightShoulder], k[RightElbow], k[RightWrist], 140) + Bent(k[LeftShoulder], k[LeftElbow], k[LeftWrist], 140);
        score += Bent(k[RightHip], k[RightKnee], k[RightAnkle], 150) + Bent(k[LeftHip], k[LeftKnee], k[LeftAnkle], 150);
        score += Above(k[RightWrist], k[RightShoulder]) + Above(k[LeftWrist], k[LeftShoulder]);
        if (k[Neck] is { } neck && Mid(k[RightHip], k[LeftHip]) is { } hips)
        {
            var torso = neck - hips;
            if (Math.Abs(MathF.Atan2(torso.X, -torso.Y)) > 15 * MathF.PI / 180) score++;
            if (k[RightAnkle] is { } ra && k[LeftAnkle] is { } la && k[RightHip] is { } rh && k[LeftHip] is { } lh
                && Vector2.Distance(ra, la) > 2.2f * Vector2.Distance(rh, lh)) score++;
        }
        return score <= 1 ? PoseDifficulty.Simple : score <= 3 ? PoseDifficulty.Medium : PoseDifficulty.Complex;
    }

    static int Bent(Vector2? a, Vector2? joint, Vector2? b, float straightDegrees)
    {
        if (a is not { } p || joint is not { } j || b is not { } q) return 0;
        var (u, v) = (p - j, q - j);
        float cos = Vector2.Dot(u, v) / Math.Max(u.Length() * v.Length(), 1e-6f);
        return MathF.Acos(Math.Clamp(cos, -1, 1)) * 180 / MathF.PI < straightDegrees ? 1 : 0;
    }

    static int Above(Vector2? wrist, Vector2? shoulder) => wrist is { } w && shoulder is { } s && w.Y < s.Y ? 1 : 0;

    static Vector2? Mid(Vector2? a, Vector2? b) => a is { } p && b is { } q ? (p + q) / 2 : a ?? b;
}
