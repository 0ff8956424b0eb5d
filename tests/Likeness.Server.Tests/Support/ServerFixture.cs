using System.Net.Http.Headers;
using Likeness.Server.Auth;
using Likeness.Server.Blobs;
using Likeness.Server.Data;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Likeness.Server.Tests.Support;

/// <summary>A real server on a loopback port with its own data folder and database, and two users (Alice, Bob).</summary>
public class ServerFixture : IAsyncLifetime
{
    public string DataPath { get; } = Path.Combine(Path.GetTempPath(), "likeness-tests", Guid.NewGuid().ToString("N"));
    public WebApplication App { get; private set; } = null!;
    public Uri BaseAddress { get; private set; } = null!;
    public TestDatabase Database { get; private set; } = null!;
    public string AliceToken { get; private set; } = "";
    public string BobToken { get; private set; } = "";

    public static Dictionary<string, string?> FastSettings() => new()
    {
        ["Likeness:Jobs:EnableTestSteps"] = "true",
        ["Likeness:Jobs:RetryBaseDelay"] = "00:00:00.100",
        ["Likeness:Webhooks:RetryBaseDelay"] = "00:00:00.200",
        ["Likeness:Webhooks:PollInterval"] = "00:00:00.100",
        // The tests' webhook receivers listen on http://127.0.0.1; production refuses both (StrictWebhookTests).
        ["Likeness:Webhooks:Url:AllowHttp"] = "true",
        ["Likeness:Webhooks:Url:AllowPrivateNetworks"] = "true",
    };

    /// <summary>Configuration and address of the server; fixtures that need more (fake providers) override these.</summary>
    protected virtual Task<Dictionary<string, string?>> SettingsAsync() => Task.FromResult(FastSettings());
    protected virtual string Urls => "http://127.0.0.1:0";

    public virtual async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync();
        App = await LikenessServer.StartAsync(new ServerSettings
        {
            Urls = Urls, DataPath = DataPath, Database = Database.Options, Configuration = await SettingsAsync(),
        });
        BaseAddress = new Uri(LikenessServer.Addresses(App).First());
        var tokens = App.Services.GetRequiredService<TokenService>();
        AliceToken = (await tokens.CreateUserAsync("alice", default)).Token;
        BobToken = (await tokens.CreateUserAsync("bob", default)).Token;
    }

    public HttpClient Client(string? token)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (token is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public HttpClient Alice() => Client(AliceToken);
    public HttpClient Bob() => Client(BobToken);

    public FileSystemBlobStore Blobs => (FileSystemBlobStore)App.Services.GetRequiredService<IBlobStore>();

    public LikenessDb Db() => App.Services.GetRequiredService<IDbContextFactory<LikenessDb>>().CreateDbContext();

    public virtual async Task DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        await Database.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(DataPath, recursive: true); } catch (IOException) { }
    }
}
