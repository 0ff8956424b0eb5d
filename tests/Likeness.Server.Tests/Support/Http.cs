using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Likeness.Server.Tests.Support;

public static class Http
{
    public static async Task<JsonElement> Json(this HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"Expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        return body.Length == 0 ? default : JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>Asserts a ProblemDetails answer with the status and a non-empty detail; returns the whole problem.</summary>
    public static async Task<JsonElement> Problem(this HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"Expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement.Clone();
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()), body);
        return problem;
    }

    public static string Detail(this JsonElement problem) => problem.GetProperty("detail").GetString()!;

    public static Task<HttpResponseMessage> PostJson(this HttpClient client, string url, object body) => client.PostAsJsonAsync(url, body);

    public static Task<HttpResponseMessage> PostRaw(this HttpClient client, string url, string json) =>
        client.PostAsync(url, new StringContent(json, Encoding.UTF8, "application/json"));

    public static Guid Id(this JsonElement e) => e.GetProperty("id").GetGuid();

    public static async Task<Guid> CreateIdentity(this HttpClient client, string name = "Ana")
    {
        var response = await client.PostJson("/identities", new
        {
            name,
            consent = new { attestedBy = name, statement = "I agree that my likeness may be used for my own headshots." },
            traits = new { hairColour = "black", ageRange = "25-34" },
        });
        return (await response.Json(HttpStatusCode.Created)).Id();
    }

    public static async Task<JsonElement> UploadAsset(this HttpClient client, byte[] bytes, string type = "HEADSHOT", string name = "photo.png", string? folder = null)
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "file", name);
        form.Add(new StringContent(type), "type");
        if (folder is not null) form.Add(new StringContent(folder), "folder");
        return await (await client.PostAsync("/assets", form)).Json(HttpStatusCode.Created);
    }

    public static MultipartFormDataContent Photos(params (string Name, byte[] Bytes)[] files)
    {
        var form = new MultipartFormDataContent();
        foreach (var (name, bytes) in files) form.Add(new ByteArrayContent(bytes), "photos", name);
        return form;
    }

    /// <summary>Polls GET /jobs/{id} until it ends (bounded) and returns the final job.</summary>
    public static async Task<JsonElement> WaitForJob(this HttpClient client, Guid id, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            var job = await (await client.GetAsync($"/jobs/{id}")).Json(HttpStatusCode.OK);
            if (job.GetProperty("status").GetString() is "succeeded" or "failed" or "canceled") return job;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Job {id} did not finish: {job}");
            await Task.Delay(100);
        }
    }
}
