using Likeness.Server.Data;

namespace Likeness.Server.Assets;

public sealed record AssetDto(Guid Id, AssetType Type, string Folder, string Name, string Sha256, string MediaType, long Size,
    int? Width, int? Height, Guid? IdentityId, Guid? SourceJobId, DateTime CreatedAt)
{
    public static AssetDto From(Asset a) => new(a.Id, a.Type, a.Folder, a.Name, a.BlobSha256, a.MediaType, a.Size, a.Width, a.Height, a.IdentityId, a.SourceJobId, a.CreatedAt);
}

/// <summary>Rename or move an asset; its content never changes (upload a new asset instead).</summary>
public sealed record UpdateAssetRequest(string Name, string Folder = "");

public sealed record Paged<T>(IReadOnlyList<T> Items, int Page, int PageSize, int Total);
