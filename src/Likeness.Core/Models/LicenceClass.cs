namespace Likeness.Models;

/// <summary>What a model's licence allows, as far as the manifest knows.</summary>
public enum LicenceClass
{
    Permissive,
    /// <summary>Research / non-commercial use only: never a default.</summary>
    NonCommercial,
    /// <summary>AGPL-3.0: using it in a network service obliges you to offer the source.</summary>
    Agpl,
    /// <summary>Provenance or licence not stated by the source.</summary>
    Unclear,
}

public static class LicenceClassText
{
    public static bool TryParse(string text, out LicenceClass value)
    {
        switch (text)
        {
            case "permissive": value = LicenceClass.Permissive; return true;
            case "noncommercial": value = LicenceClass.NonCommercial; return true;
            case "agpl": value = LicenceClass.Agpl; return true;
            case "unclear": value = LicenceClass.Unclear; return true;
            default: value = default; return false;
        }
    }

    public static string ToManifestText(this LicenceClass value) => value switch
    {
        LicenceClass.Permissive => "permissive",
        LicenceClass.NonCommercial => "noncommercial",
        LicenceClass.Agpl => "agpl",
        _ => "unclear",
    };
}
