using System.Numerics;
using Likeness.Imaging;
using Likeness.Imaging.Drawing;
using static Likeness.Tests.Imaging.TestImages;

namespace Likeness.Tests.Imaging;

public class DrawingTests
{
    static readonly Rgba32 White = new(255, 255, 255);
    static RgbaImage Black(int w, int h) => RgbaImage.Filled(w, h, new Rgba32(0, 0, 0));
    static int Lit(RgbaImage img) => CountWhere(img, p => p.R > 0);

    [Fact]
    public void Aliased_horizontal_line_covers_its_pixels_only()
    {
        var img = Black(8, 5);
        img.DrawLine(new Vector2(1, 2), new Vector2(5, 2), White, antialias: false);
        Assert.Equal(5, Lit(img));
        for (int x = 1; x <= 5; x++) Assert.Equal(White, img[x, 2]);
    }

    [Fact]
    public void Thick_aliased_line_is_as_wide_as_asked()
    {
        var img = Black(9, 9);
        img.DrawLine(new Vector2(4, 1), new Vector2(4, 7), White, thickness: 3, antialias: false);
        for (int y = 1; y <= 7; y++)
            Assert.Equal([false, true, true, true, false], Enumerable.Range(2, 5).Select(x => img[x, y].R > 0).ToArray());
    }

    [Fact]
    public void Line_far_outside_the_image_is_clipped()
    {
        var img = Black(5, 5);
        img.DrawLine(new Vector2(-1e6f, -1e6f), new Vector2(1e6f, 1e6f), White, antialias: false);
        Assert.Equal(5, Lit(img));
        for (int i = 0; i < 5; i++) Assert.Equal(White, img[i, i]);
        img.DrawLine(new Vector2(float.NaN, 0), new Vector2(3, 3), White);
        img.DrawLine(new Vector2(-50, -50), new Vector2(-40, -10), White);
        Assert.Equal(5, Lit(img));
    }

    [Fact]
    public void Antialiased_line_between_rows_splits_coverage()
    {
        var img = Black(6, 4);
        img.DrawLine(new Vector2(1, 1.5f), new Vector2(4, 1.5f), White);
        Assert.Equal(128, img[2, 1].R);
        Assert.Equal(128, img[2, 2].R);
        Assert.Equal(0, img[2, 0].R);
        Assert.Equal(0, img[2, 3].R);
    }

    [Fact]
    public void Rectangles_fill_outline_and_clip()
    {
        var img = Black(5, 5);
        img.FillRectangle(new Rect(-2, -2, 4, 4), White);
        Assert.Equal(4, Lit(img));

        var outline = Black(6, 5);
        outline.DrawRectangle(new Rect(1, 1, 4, 3), White);
        Assert.Equal(10, Lit(outline));
        Assert.Equal(0, outline[2, 2].R);
    }

    [Fact]
    public void Translucent_fill_blends()
    {
        var img = Black(2, 2);
        img.FillRectangle(new Rect(0, 0, 2, 2), new Rgba32(255, 255, 255, 128));
        Assert.Equal(new Rgba32(128, 128, 128), img[1, 1]);
    }

    [Fact]
    public void Circles_cover_pixels_by_centre_distance()
    {
        var small = Black(5, 5);
        small.FillCircle(new Vector2(2, 2), 1, White, antialias: false);
        Assert.Equal(5, Lit(small)); // corners are sqrt(2) away

        var wider = Black(5, 5);
        wider.FillCircle(new Vector2(2, 2), 1.5f, White, antialias: false);
        Assert.Equal(9, Lit(wider));

        // Ring: centre distance within [1.5, 2.5] -> offsets (2,0) x4 and (2,1) x8.
        var ring = Black(7, 7);
        ring.DrawCircle(new Vector2(3, 3), 2, White, antialias: false);
        Assert.Equal(12, Lit(ring));

        ring.FillCircle(new Vector2(-100, 3), 50, White);
        ring.DrawCircle(new Vector2(float.NaN, 3), 50, White);
    }

    [Fact]
    public void Polyline_closes_when_asked()
    {
        var img = Black(5, 5);
        Vector2[] pts = [new(0, 0), new(4, 0), new(4, 4)];
        img.DrawPolyline(pts, White, antialias: false);
        Assert.Equal(0, img[2, 2].R);
        img.DrawPolyline(pts, White, closed: true, antialias: false);
        Assert.Equal(White, img[2, 2]);
    }

    [Fact]
    public void Text_is_drawn_in_a_real_font_inside_its_measured_box_in_the_given_colour()
    {
        var img = Black(200, 60);
        var red = new Rgba32(255, 0, 0);
        img.DrawText("Hello, world", 10, 10, red, scale: 2);
        var (w, h) = TextRenderer.Measure("Hello, world", Draw.TextSize(2));
        int inside = 0, outside = 0;
        for (int y = 0; y < img.Height; y++)
            for (int x = 0; x < img.Width; x++)
            {
                if (img[x, y].R == 0) continue;
                bool inBox = x >= 9 && x <= 10 + w + 1 && y >= 9 && y <= 10 + h + 1;
                if (inBox) inside++; else outside++;
                Assert.Equal(0, img[x, y].G); // red on black: only the red channel carries the text
            }
        Assert.True(inside > 100, $"{inside} text pixels");
        Assert.Equal(0, outside);
        Assert.Contains(Enumerable.Range(0, img.Width * img.Height), i => img[i % img.Width, i / img.Width].R > 128 && img[i % img.Width, i / img.Width].R < 255); // anti-aliased edges

        img.DrawText("Hello, world! 123", -40, 50, red, scale: 3); // mostly off-image: no exception
    }

    [Fact]
    public void Text_measures_by_length_and_size_and_renders_characters_beyond_ascii()
    {
        var (small, smallH) = TextRenderer.Measure("Hi", Draw.TextSize(1));
        var (big, bigH) = TextRenderer.Measure("Hi", Draw.TextSize(2));
        var (longer, _) = TextRenderer.Measure("Hi there", Draw.TextSize(1));
        Assert.True(big > small && bigH > smallH && longer > small);
        Assert.True(TextRenderer.Measure("ab\nc", 12).Height > TextRenderer.Measure("ab", 12).Height * 1.5);

        foreach (var text in new[] { "é", "–", "ß", "Ж" })
        {
            var img = Black(40, 40);
            img.DrawText(text, 5, 5, White, scale: 2);
            Assert.True(Lit(img) > 5, $"'{text}' drew nothing");
        }
    }
}
