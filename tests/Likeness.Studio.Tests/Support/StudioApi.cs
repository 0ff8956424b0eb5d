using System.Net.Http.Json;
using System.Text.Json;

namespace Likeness.Studio.Tests.Support;

public static class StudioApi
{
    /// <summary>Creates an identity through the API (with a consent record) and returns its id.</summary>
    public static async Task<Guid> CreateIdentityAsync(this HttpClient client, string name)
    {
        var created = await client.PostAsJsonAsync("/identities", new { name, consent = new { attestedBy = "alice", statement = "The person consents to their likeness being used." } });
        created.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();
    }
}
