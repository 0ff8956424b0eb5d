using Likeness.Pipelines.Compose;

namespace Likeness.Tests.Pipelines;

public class ComposeRequestTests
{
    [Fact]
    public void An_empty_request_gives_the_documented_defaults()
    {
        var o = new ComposeRequest().ToOptions();
        Assert.Equal(ComposeDefaults.Matting, o.Matting);
        Assert.Equal(ComposeDefaults.FaceWidth, o.Placement.FaceWidthFraction);
        Assert.Equal(ComposeDefaults.Harmonize, o.Composite.Harmonize);
        Assert.Equal(ComposeDefaults.Shadow, o.Composite.Shadow.Opacity);
        Assert.Equal(new ComposeOptions().Composite, o.Composite);
        Assert.Null(o.Position);
        Assert.False(o.AllowCrop || o.Force);
    }

    [Theory]
    [InlineData("best")]
    [InlineData("isnet-fp16")]
    public void An_unknown_matting_value_is_a_clear_error_not_an_argument_exception(string matting)
    {
        var e = Assert.Throws<LikenessException>(() => new ComposeRequest { Matting = matting }.ToOptions());
        Assert.Contains($"matting '{matting}' is not known", e.Message);
        Assert.Contains("quality", e.Message);
        Assert.Contains("fast", e.Message);
    }

    [Fact]
    public void Every_bad_value_is_named_in_one_error()
    {
        var e = Assert.Throws<LikenessException>(() => new ComposeRequest { FaceWidth = 2, Harmonize = 3, Shadow = -1, Export = "myspace", Placement = "left" }.ToOptions());
        Assert.Contains("face width 2 is outside", e.Message);
        Assert.Contains("harmonize 3 is outside 0-1", e.Message);
        Assert.Contains("shadow -1 is outside 0-1", e.Message);
        Assert.Contains("'myspace' is not an export preset", e.Message);
        Assert.Contains("placement 'left'", e.Message);
    }

    [Fact]
    public void Matting_names_are_accepted_in_any_case()
    {
        Assert.Equal("fast", new ComposeRequest { Matting = " FAST " }.ToOptions().Matting);
    }
}
