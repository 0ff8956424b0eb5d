namespace Likeness.Server.Api;

/// <summary>
/// The one paging rule for every list: page ≥ 1, 1 ≤ pageSize ≤ max, and the offset must fit in an int
/// (page=5000000&amp;pageSize=500 used to overflow into a negative offset and return everything).
/// </summary>
public readonly record struct Paging(int Page, int PageSize)
{
    public int Offset => (Page - 1) * PageSize;

    public static bool TryParse(int? page, int? pageSize, int defaultSize, int maxSize, out Paging paging, out Errors errors)
    {
        errors = new Errors();
        var p = page ?? 1;
        var size = pageSize ?? defaultSize;
        if (p < 1) errors.Add("page", $"must be 1 or more, not {p}.");
        if (size < 1 || size > maxSize) errors.Add("pageSize", $"must be between 1 and {maxSize}, not {size}.");
        if (!errors.Any && (long)(p - 1) * size > int.MaxValue)
            errors.Add("page", $"page {p} of {size} items is beyond any list this server keeps; ask for a smaller page number.");
        paging = new Paging(p, size);
        return !errors.Any;
    }
}
