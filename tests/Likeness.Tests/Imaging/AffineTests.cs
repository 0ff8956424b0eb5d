using System.Numerics;
using Likeness.Imaging;
using Likeness.Imaging.Transforms;
using static Likeness.Tests.Imaging.TestImages;

namespace Likeness.Tests.Imaging;

public class AffineTests
{
    [Fact]
    public void Then_applies_in_order_and_matches_the_matrix_product()
    {
        var t = AffineTransform.Translation(3, 4).Then(AffineTransform.Scaling(2, 2));
        Assert.Equal((8.0, 10.0), t.Apply(1, 1)); // (1,1) -> (4,5) -> (8,10)
        Assert.Equal(t, AffineTransform.Scaling(2, 2) * AffineTransform.Translation(3, 4));
    }

    [Fact]
    public void Invert_undoes_the_transform()
    {
        var t = new AffineTransform(2, 1, 5, -1, 3, -7);
        var (x, y) = t.Invert().Apply(t.Apply(1.5, -2).X, t.Apply(1.5, -2).Y);
        Assert.Equal(1.5, x, 10);
        Assert.Equal(-2, y, 10);
    }

    [Fact]
    public void Rotation_about_a_centre_turns_x_towards_y()
    {
        var (x, y) = AffineTransform.Rotation(Math.PI / 2, 1, 1).Apply(2, 1);
        Assert.Equal(1, x, 10);
        Assert.Equal(2, y, 10);
    }

    [Fact]
    public void Similarity_estimate_recovers_a_known_transform()
    {
        Vector2[] src = [new(38.29f, 51.69f), new(73.53f, 51.50f), new(56.02f, 71.73f), new(41.54f, 92.36f), new(70.72f, 92.20f)];
        var known = AffineTransform.Similarity(1.7, 0.3, 12, -5);
        var dst = src.Select(known.Apply).ToArray();
        var est = SimilarityTransform.Estimate(src, dst);
        Assert.Equal(known.A, est.A, 4);
        Assert.Equal(known.B, est.B, 4);
        Assert.Equal(known.C, est.C, 3);
        Assert.Equal(known.D, est.D, 4);
        Assert.Equal(known.E, est.E, 4);
        Assert.Equal(known.F, est.F, 3);
        Assert.Equal(1.7, est.ScaleFactor, 4);
        Assert.Equal(0.3, est.RotationRadians, 4);
    }

    [Fact]
    public void Similarity_estimate_never_reflects()
    {
        // A cross mirrored top-to-bottom: no rotation fits better than collapsing onto the centroid.
        Vector2[] src = [new(1, 0), new(0, 1), new(-1, 0), new(0, -1)];
        Vector2[] dst = [new(11, 5), new(10, 4), new(9, 5), new(10, 6)];
        var est = SimilarityTransform.Estimate(src, dst);
        Assert.Equal(0, est.A, 10);
        Assert.Equal(0, est.D, 10);
        Assert.Equal((10.0, 5.0), est.Apply(3, 3));
    }

    [Fact]
    public void Identity_warp_copies_the_image()
    {
        var img = new RgbaImage(3, 2);
        for (int i = 0; i < 6; i++) img.Pixels[i] = new Rgba32((byte)(40 * i), (byte)(200 - i), 9, (byte)(255 - 30 * i));
        Assert.Equal(img.Data, img.WarpAffine(AffineTransform.Identity, 3, 2).Data);
    }

    [Fact]
    public void Integer_translation_shifts_and_fills_with_the_border()
    {
        var warped = Counting(4, 3).WarpAffine(AffineTransform.Translation(2, 1), 4, 3, BorderMode.Constant, -1);
        Equal([
            -1, -1, -1, -1,
            -1, -1, 0, 1,
            -1, -1, 4, 5,
        ], warped);
    }

    [Fact]
    public void Half_pixel_translation_interpolates_with_each_border_mode()
    {
        var p = Plane(new float[,] { { 10, 20, 30 } });
        var shift = AffineTransform.Translation(0.5, 0);
        Equal([5, 15, 25], p.WarpAffine(shift, 3, 1, BorderMode.Constant, 0));
        Equal([10, 15, 25], p.WarpAffine(shift, 3, 1, BorderMode.Replicate));
    }

    [Fact]
    public void Reflect_modes_mirror_past_the_edge()
    {
        var p = Plane(new float[,] { { 1, 2, 3 } });
        var left = AffineTransform.Translation(-2, 0); // output x reads source x + 2
        Equal([3, 3, 2], p.WarpAffine(left, 3, 1, BorderMode.Reflect));
        Equal([3, 2, 1], p.WarpAffine(left, 3, 1, BorderMode.Reflect101));
    }

    [Fact]
    public void Rgba_warp_does_not_darken_against_a_transparent_border()
    {
        var img = RgbaImage.Filled(2, 1, new Rgba32(255, 0, 0));
        var warped = img.WarpAffine(AffineTransform.Translation(0.5, 0), 2, 1);
        Assert.Equal(new Rgba32(255, 0, 0, 128), warped[0, 0]);
        Assert.Equal(new Rgba32(255, 0, 0, 255), warped[1, 0]);
    }

    [Fact]
    public void Upscaling_warp_matches_pixel_centre_convention()
    {
        // cv2.warpAffine with scale 2 samples source x = dst / 2.
        var p = Plane(new float[,] { { 0, 10 } });
        Equal([0, 5, 10, 10], p.WarpAffine(AffineTransform.Scaling(2, 1), 4, 1, BorderMode.Replicate));
    }
}
