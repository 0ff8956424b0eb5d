using System.Security;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Likeness.Imaging.Codecs;

namespace Likeness.Compositing;

/// <summary>
/// What every Likeness output says about itself: that it is an AI-edited image made by Likeness, from which
/// inputs (sha256), with which models (sha256) and parameters. Written as XMP (IPTC digital source type
/// "compositeWithTrainedAlgorithmicMedia") in every format, plus PNG iTXt entries.
/// </summary>
public sealed record ProvenanceRecord(
    string Tool,
    string ToolVersion,
    string Operation,
    DateTimeOffset Created,
    IReadOnlyDictionary<string, string> InputSha256,
    IReadOnlyDictionary<string, string> ModelSha256,
    IReadOnlyDictionary<string, string> Parameters)
{
    public const string DigitalSourceType = "http://cv.iptc.org/newscodes/digitalsourcetype/compositeWithTrainedAlgorithmicMedia";
    /// <summary>IPTC type of an image made by a generative model (not a composite of photos).</summary>
    public const string GeneratedSourceType = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia";

    /// <summary>IPTC digital source type written to XMP; <see cref="DigitalSourceType"/> unless the image was generated.</summary>
    public string SourceType { get; init; } = DigitalSourceType;
    public const string Statement = "AI-edited image made by Likeness";
    const string PngKey = "likeness:provenance";

    public static ProvenanceRecord Create(string operation, IReadOnlyDictionary<string, string> inputs,
        IReadOnlyDictionary<string, string> models, IReadOnlyDictionary<string, string> parameters) =>
        new("Likeness", typeof(ProvenanceRecord).Assembly.GetName().Version?.ToString() ?? "0.0.0", operation,
            DateTimeOffset.UtcNow, inputs, models, parameters);

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    public EmbeddedMetadata ToMetadata(ImageFormat format) => new(ToXmp(),
        format == ImageFormat.Png ? new Dictionary<string, string> { ["Software"] = $"{Tool} {ToolVersion}", ["Description"] = Statement, [PngKey] = ToJson() } : null);

    public string ToXmp()
    {
        static string E(string s) => SecurityElement.Escape(s);
        var sb = new StringBuilder();
        sb.Append("<?xpacket begin=\"\uFEFF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n");
        sb.Append("<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n");
        sb.Append("<rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\"");
        sb.Append(" xmlns:Iptc4xmpExt=\"http://iptc.org/std/Iptc4xmpExt/2008-02-29/\" xmlns:likeness=\"https://likeness.invalid/ns/1.0/\"");
        sb.Append($" xmp:CreatorTool=\"{E(Tool)} {E(ToolVersion)}\" xmp:CreateDate=\"{Created:yyyy-MM-ddTHH:mm:ssZ}\"");
        sb.Append($" Iptc4xmpExt:DigitalSourceType=\"{SourceType}\" likeness:Operation=\"{E(Operation)}\">\n");
        sb.Append($"<dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">{E(Statement)}</rdf:li></rdf:Alt></dc:description>\n");
        sb.Append($"<likeness:Record>{E(ToJson())}</likeness:Record>\n");
        sb.Append("</rdf:Description></rdf:RDF></x:xmpmeta>\n<?xpacket end=\"w\"?>");
        return sb.ToString();
    }

    /// <summary>Reads the record back from an encoded image (XMP in any format), or null when absent.</summary>
    public static ProvenanceRecord? Read(byte[] encoded)
    {
        var xmp = ImageMetadata.ReadXmp(encoded);
        if (xmp is null) return null;
        var match = Regex.Match(xmp, "<likeness:Record>(.*?)</likeness:Record>", RegexOptions.Singleline);
        if (!match.Success) return null;
        var json = System.Net.WebUtility.HtmlDecode(match.Groups[1].Value);
        return JsonSerializer.Deserialize<ProvenanceRecord>(json, JsonOptions);
    }

    static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);
}
