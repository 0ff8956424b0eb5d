using System.Numerics;
using Likeness.Compositing;
using Likeness.Imaging;
using Likeness.Vision;

namespace Likeness.Tests.Compositing;

public class PlacementTests
{
    // A waist-up portrait 1000x1000: cut-out spans x 300..700, y 100..1000 (touches the bottom), face 400..600 x 200..450.
    static readonly PersonLayout WaistUp = new(1000, 1000, new Rect(300, 100, 400, 900), new BoxF(400, 200, 200, 250), TouchesBottom: true);

    static Vector2 Map(Placement p, double x, double y) => p.PersonToScene.Apply(new Vector2((float)x, (float)y));

    [Fact]
    public void Auto_scales_the_face_to_the_requested_share_of_the_width_and_stands_on_the_bottom_edge()
    {
        var p = PlacementPlanner.Auto(WaistUp, 1920, 1080, new PlacementOptions { FaceWidthFraction = 0.2, Anchor = HorizontalAnchor.Center });
        var faceLeft = Map(p, 400, 300);
        var faceRight = Map(p, 600, 300);
        Assert.Equal(0.2 * 1920, faceRight.X - faceLeft.X, 1);
        // face 200 px -> 384 px: scale 1.92; cut-out bottom (y=1000) lands on the scene bottom unless moved for headroom
        var bottom = Map(p, 500, 1000);
        Assert.True(bottom.Y >= 1080 - 0.5, $"bottom edge at {bottom.Y}");
        var headTop = Map(p, 500, 100); // skull top estimate (face top - 0.45 face height) is clamped to the cut-out top
        Assert.True(headTop.Y >= 0.06 * 1080 - 0.5, $"head top at {headTop.Y} leaves headroom");
        Assert.Equal(960, Map(p, 500, 550).X, 1);
    }

    [Fact]
    public void A_full_body_with_a_club_raised_above_the_head_is_placed_whole()
    {
        // A golfer 600x1000: feet at y 980 (not touching the bottom), face 300..360 x 300..370, and the club raised to
        // y 20, far above the head (skull top estimate ~ y 270).
        var golfer = new PersonLayout(600, 1000, new Rect(100, 20, 450, 960), new BoxF(300, 300, 60, 70), TouchesBottom: false, Likeness.Vision.Framing.PhotoFraming.FullBody);
        var p = PlacementPlanner.Auto(golfer, 640, 427, new PlacementOptions { Anchor = HorizontalAnchor.Center });
        var clubTop = Map(p, 400, 20);
        var feet = Map(p, 400, 980);
        Assert.True(clubTop.Y >= 0.06 * 427 - 0.5, $"the club's top lands at y {clubTop.Y:0.0}, cut by the scene's top edge");
        Assert.Equal(PlacementPlanner.GroundLine * 427, feet.Y, 1);
    }

    [Fact]
    public void A_face_too_tall_for_the_frame_is_scaled_down_to_keep_headroom()
    {
        // Requesting a huge face (60 % of a landscape width) cannot fit vertically: the planner shrinks it.
        var p = PlacementPlanner.Auto(WaistUp, 1920, 1080, new PlacementOptions { FaceWidthFraction = 0.6, Anchor = HorizontalAnchor.Center });
        var headTop = Map(p, 500, 100); // skull top estimate (face top - 0.45 face height) is clamped to the cut-out top
        var chin = Map(p, 500, 450);
        Assert.True(headTop.Y >= 0.06 * 1080 - 1, $"head top {headTop.Y}");
        Assert.True(chin.Y <= 0.95 * 1080 + 1, $"chin {chin.Y} stays in frame");
        Assert.Contains("scaled down", p.Reason);
    }

    [Fact]
    public void Anchors_put_the_person_left_or_right()
    {
        var left = PlacementPlanner.Auto(WaistUp, 1920, 1080, new PlacementOptions { Anchor = HorizontalAnchor.Left });
        var right = PlacementPlanner.Auto(WaistUp, 1920, 1080, new PlacementOptions { Anchor = HorizontalAnchor.Right });
        Assert.True(Map(left, 500, 550).X < 960 && Map(right, 500, 550).X > 960);
        Assert.Equal(1920 - Map(left, 500, 550).X, Map(right, 500, 550).X, 1);
    }

    [Fact]
    public void Auto_avoids_the_busiest_columns()
    {
        var busy = new double[1000];
        for (int x = 0; x < 500; x++) busy[x] = 1; // left half busy, right half calm
        var p = PlacementPlanner.Auto(WaistUp, 1000, 1000, new PlacementOptions { FaceWidthFraction = 0.15 }, busy);
        Assert.True(Map(p, 500, 550).X > 600, $"centre at {Map(p, 500, 550).X}");
    }

    [Fact]
    public void Explicit_position_round_trips_through_the_normalised_shape()
    {
        var pos = PersonPosition.Parse("0.25,0.6,0.5,0");
        var p = PlacementPlanner.Explicit(WaistUp, 2000, 1000, pos);
        var centre = Map(p, 500, 550);
        Assert.Equal(500, centre.X, 1);
        Assert.Equal(600, centre.Y, 1);
        Assert.Equal(500, Map(p, 500, 1000).Y - Map(p, 500, 100).Y, 1); // 900 px tall -> 0.5 * 1000
        Assert.Equal(pos, p.Position);
    }

    [Fact]
    public void Explicit_rotation_turns_clockwise_about_the_centre()
    {
        var p = PlacementPlanner.Explicit(WaistUp, 1000, 1000, new PersonPosition(0.5, 0.5, 0.9, 90));
        // the top-centre of the cut-out (500,100) is 450 px above its centre; rotated 90° clockwise it points right
        var top = Map(p, 500, 100);
        Assert.Equal(500 + 0.9 * 1000 / 2, top.X, 1);
        Assert.Equal(500, top.Y, 1);
    }

    [Theory]
    [InlineData("0.5,0.5")]
    [InlineData("a,b,c")]
    [InlineData("0.5,0.5,0")]
    public void Bad_positions_say_what_shape_is_expected(string text)
    {
        var e = Assert.Throws<LikenessException>(() => PersonPosition.Parse(text));
        Assert.Contains("scale", e.Message);
    }

    [Fact]
    public void Layout_finds_the_cutout_box_and_the_bottom_edge()
    {
        var alpha = new FloatPlane(10, 8);
        for (int y = 3; y < 8; y++) for (int x = 2; x < 6; x++) alpha[x, y] = 1;
        var layout = PersonLayout.From(alpha, null);
        Assert.Equal(new Rect(2, 3, 4, 5), layout.CutoutBox);
        Assert.True(layout.TouchesBottom);
        alpha[2, 7] = alpha[3, 7] = alpha[4, 7] = alpha[5, 7] = 0;
        Assert.False(PersonLayout.From(alpha, null).TouchesBottom);
        Assert.Throws<LikenessException>(() => PersonLayout.From(new FloatPlane(4, 4), null));
    }
}
