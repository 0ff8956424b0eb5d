namespace Likeness.Vision.Faces.Landmarks;

public sealed partial class LandmarkLayout
{
    /// <summary>The iBUG 300-W 68-point markup (0-based): jaw 0-16, brows 17-26, nose 27-35, eyes 36-47, mouth 48-67.</summary>
    public static LandmarkLayout Ibug68 { get; } = new()
    {
        Name = "ibug-68",
        PointCount = 68,
        NoseTip = 30,
        Chin = 8,
        Forehead = -1,
        LeftEyeOuter = 36,
        LeftEyeInner = 39,
        RightEyeInner = 42,
        RightEyeOuter = 45,
        LeftMouthCorner = 48,
        RightMouthCorner = 54,
        FaceOval = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17],
        LeftEye = [36, 37, 38, 39, 40, 41],
        RightEye = [42, 43, 44, 45, 46, 47],
        LeftBrow = [17, 18, 19, 20, 21],
        RightBrow = [22, 23, 24, 25, 26],
        OuterLips = [48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59],
        InnerLips = [60, 61, 62, 63, 64, 65, 66, 67],
        MirrorPairs =
        [
            (0, 16), (1, 15), (2, 14), (3, 13), (4, 12), (5, 11), (6, 10), (7, 9),
            (17, 26), (18, 25), (19, 24), (20, 23), (21, 22),
            (31, 35), (32, 34),
            (36, 45), (37, 44), (38, 43), (39, 42), (40, 47), (41, 46),
            (48, 54), (49, 53), (50, 52), (59, 55), (58, 56), (60, 64), (61, 63), (67, 65),
        ],
        Midline = [27, 28, 29, 30, 33, 51, 62, 66, 57, 8],
    };
}
