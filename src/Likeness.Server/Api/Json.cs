using System.Text.Json;
using System.Text.Json.Serialization;
using Likeness.Jobs;
using Likeness.Server.Data;

namespace Likeness.Server.Api;

/// <summary>One JSON contract for requests and responses: camelCase, enums as strings, unknown fields rejected.</summary>
public static class Json
{
    public static void Configure(JsonSerializerOptions o)
    {
        o.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        o.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        o.RespectNullableAnnotations = true;
        o.RespectRequiredConstructorParameters = true;
        o.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        o.Converters.Add(new JsonStringEnumConverter<AssetType>(JsonNamingPolicy.SnakeCaseUpper, allowIntegerValues: false));
        o.Converters.Add(new JsonStringEnumConverter<JobStatus>(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
        o.Converters.Add(new JsonStringEnumConverter<IdentityStatus>(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
        o.Converters.Add(new JsonStringEnumConverter<CompositeMode>(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
        o.Converters.Add(new JsonStringEnumConverter<DeliveryStatus>(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
    }

    public static JsonSerializerOptions Options { get; } = Create();

    static JsonSerializerOptions Create()
    {
        var o = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        Configure(o);
        return o;
    }

    /// <summary>Allowed wire values of the enums the API accepts, for error messages.</summary>
    public static IReadOnlyDictionary<string, string[]> EnumValues { get; } = new Dictionary<string, string[]>
    {
        [typeof(AssetType).FullName!] = Enum.GetNames<AssetType>().Select(JsonNamingPolicy.SnakeCaseUpper.ConvertName).ToArray(),
        [typeof(JobStatus).FullName!] = Enum.GetNames<JobStatus>().Select(JsonNamingPolicy.SnakeCaseLower.ConvertName).ToArray(),
        [typeof(IdentityStatus).FullName!] = Enum.GetNames<IdentityStatus>().Select(JsonNamingPolicy.SnakeCaseLower.ConvertName).ToArray(),
        [typeof(CompositeMode).FullName!] = Enum.GetNames<CompositeMode>().Select(JsonNamingPolicy.SnakeCaseLower.ConvertName).ToArray(),
    };

    public static string Wire(AssetType t) => JsonNamingPolicy.SnakeCaseUpper.ConvertName(t.ToString());
    public static string Wire(JobStatus s) => JsonNamingPolicy.SnakeCaseLower.ConvertName(s.ToString());
}
