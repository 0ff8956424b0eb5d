using System.Text.Json;

namespace Likeness.Server.Tests.Support;

public sealed record SseEvent(long Id, string Type, JsonElement Data);

public static class Sse
{
    /// <summary>Reads GET /jobs/{id}/events until the server ends the stream (the job has ended).</summary>
    public static async Task<List<SseEvent>> ReadAll(HttpClient client, Guid jobId, long? lastEventId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"/jobs/{jobId}/events");
        if (lastEventId is { } last) request.Headers.Add("Last-Event-ID", last.ToString());
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var events = new List<SseEvent>();
        long id = 0;
        string? type = null;
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("id: ")) id = long.Parse(line[4..]);
            else if (line.StartsWith("event: ")) type = line[7..];
            else if (line.StartsWith("data: ")) events.Add(new SseEvent(id, type!, JsonDocument.Parse(line[6..]).RootElement.Clone()));
        }
        return events;
    }
}
