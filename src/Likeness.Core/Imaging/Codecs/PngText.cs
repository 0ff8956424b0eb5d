using System.IO.Compression;
using System.Text;

namespace Likeness.Imaging.Codecs;

/// <summary>PNG text chunks: reads tEXt/zTXt/iTXt, writes uncompressed UTF-8 iTXt before IEND.</summary>
internal static class PngText
{
    public const string XmpKeyword = "XML:com.adobe.xmp";

    public static Dictionary<string, string> Read(ReadOnlySpan<byte> png)
    {
        var entries = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var chunk in new PngChunkReader(png))
        {
            var data = chunk.Data;
            int nul = data.IndexOf((byte)0);
            if (nul <= 0) continue;
            string keyword = Encoding.Latin1.GetString(data[..nul]);
            var rest = data[(nul + 1)..];
            string? text = Encoding.ASCII.GetString(chunk.Type) switch
            {
                "tEXt" => Encoding.Latin1.GetString(rest),
                "zTXt" when rest.Length >= 1 => Encoding.Latin1.GetString(Inflate(rest[1..])),
                "iTXt" => ReadInternational(rest),
                _ => null,
            };
            if (text is not null) entries[keyword] = text;
        }
        return entries;
    }

    /// <summary>iTXt after the keyword: flag, method, language\0, translated keyword\0, UTF-8 text.</summary>
    static string? ReadInternational(ReadOnlySpan<byte> rest)
    {
        if (rest.Length < 2) return null;
        bool compressed = rest[0] == 1;
        var tail = rest[2..];
        for (int skip = 0; skip < 2; skip++)
        {
            int nul = tail.IndexOf((byte)0);
            if (nul < 0) return null;
            tail = tail[(nul + 1)..];
        }
        return Encoding.UTF8.GetString(compressed ? Inflate(tail) : tail);
    }

    static byte[] Inflate(ReadOnlySpan<byte> zlib)
    {
        try
        {
            using var input = new ZLibStream(new MemoryStream(zlib.ToArray()), CompressionMode.Decompress);
            using var output = new MemoryStream();
            input.CopyTo(output);
            return output.ToArray();
        }
        catch (InvalidDataException)
        {
            return [];
        }
    }

    /// <summary>The PNG with one iTXt chunk per entry inserted before IEND; older text chunks with the same keywords are dropped.</summary>
    public static byte[] WithText(ReadOnlySpan<byte> png, IReadOnlyCollection<KeyValuePair<string, string>> entries)
    {
        var keywords = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (keyword, _) in entries) keywords.Add(ValidateKeyword(keyword));

        using var output = new MemoryStream(png.Length + 256);
        output.Write(FormatSniffer.PngSignature);
        bool wroteEnd = false;
        foreach (var chunk in new PngChunkReader(png))
        {
            string type = Encoding.ASCII.GetString(chunk.Type);
            if (type == "IEND")
            {
                foreach (var (keyword, text) in entries) PngChunkWriter.Write(output, "iTXt"u8, International(keyword, text));
                PngChunkWriter.Write(output, chunk.Type, chunk.Data);
                wroteEnd = true;
                break;
            }
            if (type is "tEXt" or "zTXt" or "iTXt" && keywords.Contains(KeywordOf(chunk.Data))) continue;
            output.Write(png.Slice(chunk.Offset, chunk.TotalLength));
        }
        if (!wroteEnd) throw new ImageCodecException("PNG has no IEND chunk (truncated?): cannot add metadata");
        return output.ToArray();
    }

    static string KeywordOf(ReadOnlySpan<byte> data)
    {
        int nul = data.IndexOf((byte)0);
        return nul < 0 ? "" : Encoding.Latin1.GetString(data[..nul]);
    }

    static byte[] International(string keyword, string text)
    {
        var key = Encoding.Latin1.GetBytes(keyword);
        var body = Encoding.UTF8.GetBytes(text);
        var data = new byte[key.Length + 5 + body.Length];
        key.CopyTo(data, 0);
        // key.Length: keyword terminator; then flag 0 (uncompressed), method 0, empty language and translated keyword.
        body.CopyTo(data, key.Length + 5);
        return data;
    }

    /// <summary>PNG keywords: 1-79 Latin-1 printable characters, no leading, trailing or double spaces.</summary>
    static string ValidateKeyword(string keyword)
    {
        bool valid = keyword.Length is >= 1 and <= 79
            && keyword.All(c => c is >= ' ' and <= '~' or >= '\u00A1' and <= '\u00FF')
            && keyword[0] != ' ' && keyword[^1] != ' ' && !keyword.Contains("  ");
        if (!valid)
            throw new ArgumentException($"PNG text keyword \"{keyword}\" is invalid: use 1-79 printable Latin-1 characters without leading, trailing or double spaces");
        return keyword;
    }
}
