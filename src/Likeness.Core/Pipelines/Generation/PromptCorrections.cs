using Likeness.Vision.Faces.Pose;

namespace Likeness.Pipelines.Generation;

/// <summary>
/// What to add to a prompt after a failed verdict, in image terms a generator follows: the direction the nose must
/// point in the frame (never "their left"), closer or wider framing, one person only, the reference likeness.
/// </summary>
public static class PromptCorrections
{
    public const string OnePerson = "Exactly one person in the image, alone; no other people, no reflections, no second face.";
    public const string SamePerson = "The person must be exactly the person in the reference photos: the same face shape, eyes, nose, mouth, skin and hair; do not idealise or change the face.";
    public const string Sharp = "Sharp focus on the face, even soft light, correctly exposed.";
    public const string Safe = "A plain, fully clothed, professional portrait.";

    /// <summary>Where the nose must point, in image terms (docs/head-pose.md).</summary>
    public static string Direction(FaceView view) => view switch
    {
        FaceView.Front => "The face looks straight into the camera: nose pointing at the viewer, both eyes equally visible, head not turned.",
        FaceView.ThreeQuarterLeft => "The head is turned about 35 degrees so that the nose points toward the LEFT EDGE of the image; both eyes still visible.",
        FaceView.ThreeQuarterRight => "The head is turned about 35 degrees so that the nose points toward the RIGHT EDGE of the image; both eyes still visible.",
        FaceView.ProfileLeft => "A full side profile: the nose points at the LEFT EDGE of the image and only one eye is visible.",
        _ => "A full side profile: the nose points at the RIGHT EDGE of the image and only one eye is visible.",
    };

    static string DirectionForYaw(float yaw) => Math.Abs(yaw) < FaceViews.FrontMaxYaw
        ? Direction(FaceView.Front)
        : $"The head is turned about {Math.Abs(yaw) * 1.3:0} degrees so that the nose points toward the {(yaw > 0 ? "RIGHT" : "LEFT")} EDGE of the image.";

    /// <summary>The corrections a failed verdict calls for (empty when it passed).</summary>
    public static IReadOnlyList<string> For(GateVerdict verdict, GateExpectation expect, GateRules rules)
    {
        var lines = new List<string>();
        foreach (var f in verdict.Failures)
        {
            switch (f.Check)
            {
                case GateChecks.Answer: lines.Add(Safe); break;
                case GateChecks.OneFace: lines.Add(verdict.Faces == 0 ? "The person's face is clearly visible and unobstructed." : OnePerson); break;
                case GateChecks.Quality: lines.Add(Sharp); break;
                case GateChecks.Identity: lines.Add(SamePerson); break;
                case GateChecks.Mirrored or GateChecks.View:
                    var wanted = expect.MatchYaw is { } yaw ? DirectionForYaw(yaw) : expect.View is { } v ? Direction(v) : null;
                    if (wanted is not null)
                        lines.Add(f.Check == GateChecks.Mirrored ? $"{wanted} (Not the mirror image: the previous result pointed the nose toward the opposite edge.)" : wanted);
                    break;
                case GateChecks.Framing: lines.Add(Framing(verdict, expect, rules)); break;
                case "theme": lines.Add("Make the requested change clearly visible inside the edited area, in the photo's own light and perspective."); break;
                case GateChecks.BodyPose when expect.Pose is { } pose:
                    lines.Add(verdict.PoseMirrored
                        ? "Follow the pose skeleton of the control image exactly as drawn, NOT its mirror image: limbs drawn on the LEFT side of the control image belong on the LEFT side of the picture."
                        : $"Follow the pose skeleton of the control image exactly: {PartInImageTerms(pose, verdict.PoseMatch?.WorstPartName)}.");
                    break;
            }
        }
        return lines;
    }

    /// <summary>Where the template puts a body part, in picture terms ("the arm on the LEFT side of the image, raised above the shoulder").</summary>
    public static string PartInImageTerms(Vision.Pose.Templates.PoseTemplate pose, string? part)
    {
        var joints = Vision.Pose.Templates.PoseSimilarity.Parts.FirstOrDefault(p => p.Name == part).Joints;
        var k = pose.Keypoints;
        if (joints is null || k[Vision.Pose.OpenPose18.Neck] is not { } neck) return "every limb where the skeleton draws it";
        var points = joints.Select(i => k[i]).OfType<System.Numerics.Vector2>().ToArray();
        if (points.Length == 0) return "every limb where the skeleton draws it";
        float x = points.Average(p => p.X);
        string side = x < neck.X - 0.02f ? "on the LEFT side of the image" : x > neck.X + 0.02f ? "on the RIGHT side of the image" : "in the middle of the image";
        string noun = part!.Contains("arm") ? "arm" : part.Contains("leg") ? "leg" : part;
        string detail = part.Contains("arm") && k[joints[^1]] is { } hand && k[joints[0] - 1] is { } shoulder
            ? hand.Y < shoulder.Y ? ", the hand raised above the shoulder" : ", the hand below the shoulder"
            : "";
        return $"the {noun} {side}{detail}, exactly where the skeleton draws it";
    }

    static string Framing(GateVerdict verdict, GateExpectation expect, GateRules rules) => expect.Framing switch
    {
        GateFraming.View when verdict.FaceHeightFraction < rules.ViewMinFaceHeight =>
            $"Frame closer: a head-and-shoulders shot where the head fills about {(rules.ViewMinFaceHeight + rules.ViewMaxFaceHeight) / 2:P0} of the image height.",
        GateFraming.View => $"Frame wider: the whole head with space above it and the shoulders visible; the head fills about {(rules.ViewMinFaceHeight + rules.ViewMaxFaceHeight) / 2:P0} of the image height.",
        GateFraming.Cinematic when verdict.FaceWidthFraction < rules.CinematicMinFaceWidth =>
            $"Frame closer: a waist-up shot where the face is about {(rules.CinematicMinFaceWidth + rules.CinematicMaxFaceWidth) / 2:P0} of the image width.",
        GateFraming.Cinematic when verdict.FaceWidthFraction > rules.CinematicMaxFaceWidth =>
            $"Frame wider: a waist-up shot where the face is only about {(rules.CinematicMinFaceWidth + rules.CinematicMaxFaceWidth) / 2:P0} of the image width.",
        GateFraming.Cinematic => "Frame wider: show the person from the waist up, the waist inside the frame.",
        _ when expect.MinFaceWidth is { } min && verdict.FaceWidthFraction < min =>
            $"Show the person larger and closer to the camera: the face at least {min:P0} of the image width.",
        _ => "Frame wider: the whole head with space above it and the shoulders inside the image.",
    };
}
