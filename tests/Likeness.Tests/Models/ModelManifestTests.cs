using System.Text.RegularExpressions;
using Likeness.Models;
using Likeness.Tests.Support;

namespace Likeness.Tests.Models;

public sealed class ModelManifestTests
{
    static readonly ModelManifest Manifest = ModelManifest.Embedded;

    [Fact]
    public void Every_row_has_a_sha256_a_positive_size_a_licence_and_a_source_or_mirror_path()
    {
        Assert.NotEmpty(Manifest.Models);
        Assert.All(Manifest.Models, m =>
        {
            Assert.Matches("^[0-9a-f]{64}$", m.Sha256);
            Assert.True(m.Bytes > 0, $"{m.Name}: bytes");
            Assert.False(string.IsNullOrWhiteSpace(m.Licence), $"{m.Name}: licence");
            Assert.False(string.IsNullOrWhiteSpace(m.File), $"{m.Name}: file");
        });
    }

    [Fact]
    public void Scrfd_is_noncommercial_and_never_a_default()
    {
        var scrfd = Manifest.Models.Where(m => m.Name.StartsWith("scrfd")).ToList();
        Assert.NotEmpty(scrfd);
        Assert.All(scrfd, m => Assert.Equal((LicenceClass.NonCommercial, false), (m.LicenceClass, m.IsDefault)));
        Assert.DoesNotContain(Manifest.Defaults, m => m.LicenceClass == LicenceClass.NonCommercial);
    }

    [Fact]
    public void Isnet_is_marked_agpl_and_comes_from_npm_chunks()
    {
        foreach (var name in new[] { "isnet", "isnet-int8" })
        {
            var isnet = Manifest.Get(name);
            Assert.Equal(LicenceClass.Agpl, isnet.LicenceClass);
            Assert.Contains("AGPL", isnet.Licence);
            Assert.Equal(NpmResourceKind.Chunks, isnet.NpmResource?.Kind);
        }
    }

    [Fact]
    public void Each_capability_has_at_most_one_default_and_detection_and_recognition_have_one()
    {
        Assert.All(Manifest.Capabilities, c => Assert.True(Manifest.ByCapability(c).Count(m => m.IsDefault) <= 1, c));
        Assert.Equal("yunet", Manifest.DefaultFor("face-detection")?.Name);
        Assert.NotNull(Manifest.DefaultFor("face-recognition"));
    }

    [Fact]
    public void Select_combines_names_and_defaults_and_rejects_unknown_names()
    {
        var selected = Manifest.Select(["scrfd-500m"], defaults: true);
        Assert.Contains(selected, m => m.Name == "scrfd-500m");
        Assert.All(Manifest.Defaults, d => Assert.Contains(d, selected));

        var error = Assert.Throws<ArgumentException>(() => Manifest.Select(["no-such-model"]));
        Assert.Contains("likeness models list", error.Message);
    }

    [Fact]
    public void A_noncommercial_default_is_rejected()
    {
        var row = string.Join('\t', "nc", "face-detection", "yes", "a.onnx", "10", new string('a', 64), "research only", "noncommercial", "", "", "", "", "", "");
        var error = Assert.Throws<InvalidDataException>(() => ModelManifest.Parse(ModelTestKit.Header + "\n" + row));
        Assert.Contains("'nc'", error.Message);
    }

    [Theory]
    [InlineData("sha256", "ABC")]
    [InlineData("bytes", "0")]
    [InlineData("licence", "")]
    [InlineData("licence_class", "free")]
    [InlineData("file", "../escape.onnx")]
    public void A_bad_cell_is_rejected_naming_the_column(string column, string value)
    {
        var cells = new Dictionary<string, string>
        {
            ["name"] = "m", ["capability"] = "c", ["default"] = "", ["file"] = "m.onnx", ["bytes"] = "10",
            ["sha256"] = new string('a', 64), ["licence"] = "MIT", ["licence_class"] = "permissive",
            ["upstream_url"] = "", ["npm_package"] = "", ["npm_resource"] = "", ["input"] = "", ["preprocessing"] = "", ["outputs"] = "",
        };
        cells[column] = value;
        var row = string.Join('\t', ModelTestKit.Header.Split('\t').Select(h => cells[h]));

        var error = Assert.Throws<InvalidDataException>(() => ModelManifest.Parse(ModelTestKit.Header + "\n" + row));
        Assert.Contains(column, error.Message);
    }

    [SkippableFact]
    public void Sizes_and_hashes_agree_with_the_shared_mirror_manifest()
    {
        var mirrorManifest = TestPaths.SharedModel("MANIFEST.tsv");
        var rows = File.ReadLines(mirrorManifest).Skip(1).Select(l => l.Split('\t')).ToDictionary(c => c[0]);
        var compared = 0;
        foreach (var model in Manifest.Models.Where(m => rows.ContainsKey(m.File)))
        {
            Assert.Equal((rows[model.File][1], rows[model.File][2]), (model.Bytes.ToString(), model.Sha256));
            compared++;
        }
        Assert.True(compared >= 15, $"only {compared} manifest rows matched the mirror's MANIFEST.tsv");
    }
}
