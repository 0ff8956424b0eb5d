using Microsoft.AspNetCore.DataProtection;
using Likeness.Server.Api;
using Likeness.Server.Auth;
using Likeness.Server.Blobs;
using Likeness.Server.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using Likeness.Server.PhotoChecks;
using Likeness.Server.Assets;
using Likeness.Server.Compose;
using Likeness.Server.Generation;
using Likeness.Server.Identities;
using Likeness.Server.JobEngine;
using Likeness.Server.Scenes;

namespace Likeness.Server;

/// <summary>Builds and starts the Likeness REST server (used by `likeness serve` and by the tests).</summary>
public static class LikenessServer
{
    public static WebApplication Build(ServerSettings settings)
    {
        var dataPath = Path.GetFullPath(settings.DataPath);
        PrivateFiles.CreateDirectory(dataPath);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = dataPath, Args = [] });
        builder.Configuration.AddInMemoryCollection(settings.Configuration);
        if (settings.Role != ServerRole.All && settings.Database.Provider != DatabaseProvider.Postgres)
            throw new InvalidOperationException("Separate API and worker processes share their jobs through PostgreSQL: add --db postgres --connection \"...\" (SQLite serves one process; run `likeness serve` alone).");
        if (settings.Role == ServerRole.Api) builder.Configuration["Likeness:Jobs:RunWorker"] = "false";
        builder.WebHost.UseUrls(settings.Urls);
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = 32 << 20);
        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);

        var services = builder.Services;
        var config = builder.Configuration.GetSection("Likeness");
        services.Configure<UploadOptions>(config.GetSection("Uploads"));
        services.Configure<PhotoRules>(config.GetSection("Photos"));
        services.Configure<FormOptions>(o => o.MultipartBodyLengthLimit = long.MaxValue);
        services.Configure<JsonOptions>(o => Json.Configure(o.SerializerOptions));
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddProblemDetails(o => o.CustomizeProblemDetails = c => c.ProblemDetails.Detail ??= c.ProblemDetails.Status switch
        {
            404 => $"Nothing is served at {c.HttpContext.Request.Path}; /openapi/v1.json lists every endpoint.",
            405 => $"{c.HttpContext.Request.Method} is not allowed on {c.HttpContext.Request.Path}; /openapi/v1.json lists the methods.",
            415 => "This endpoint does not accept that Content-Type; uploads take multipart/form-data, everything else application/json.",
            _ => c.ProblemDetails.Title,
        });
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.AddOpenApi();
        if (settings.Role != ServerRole.Worker) Likeness.Studio.StudioSetup.AddLikenessStudio(services);

        var keys = Path.Combine(dataPath, "keys");
        PrivateFiles.CreateDirectory(keys);
        services.AddDataProtection().SetApplicationName("likeness").PersistKeysToFileSystem(new DirectoryInfo(keys));
        services.AddLikenessDatabase(settings.Database, dataPath);
        services.AddSingleton(BlobStores.Create(config.GetSection("Blobs"), dataPath));
        services.AddSingleton<BlobCollector>();
        services.AddSingleton<IImageInspector, CodecImageInspector>();
        services.AddSingleton<IPhotoChecker, FacePhotoChecker>();
        services.AddSingleton<TokenService>();
        services.AddSingleton<TokenCache>();
        services.AddAuthentication(BearerTokenHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, BearerTokenHandler>(BearerTokenHandler.SchemeName, null);
        services.AddAuthorization();
        services.AddLikenessJobs(config.GetSection("Jobs"), config.GetSection("Webhooks"));
        services.AddLikenessFeatures();
        services.AddLikenessServerProviders(builder.Configuration, dataPath);
        services.AddProviderWebhookRateLimit(builder.Configuration);

        var app = builder.Build();
        app.Use((http, next) =>
        {
            // Downloads are user content: never let a browser sniff an image into HTML or script.
            http.Response.Headers.XContentTypeOptions = "nosniff";
            return next(http);
        });
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseRateLimiter();
        app.UseAuthentication();
        app.UseAuthorization();

        app.MapOpenApi().AllowAnonymous();
        app.MapGet("/health", Health).WithTags("Health").WithSummary("Liveness and database reachability.").AllowAnonymous();
        if (settings.Role == ServerRole.Worker) return app;
        app.MapIdentities();
        app.MapAssets();
        app.MapScenes();
        Likeness.Server.Themes.CatalogueEndpoints.MapCatalogues(app);
        app.MapJobs();
        app.MapCompose();
        app.MapMe();
        app.MapProviderStatus();
        app.MapProviderWebhooks();
        Likeness.Studio.StudioSetup.MapLikenessStudio(app);
        return app;
    }

    static async Task<IResult> Health(LikenessDb db, CancellationToken ct) =>
        await db.Database.CanConnectAsync(ct)
            ? TypedResults.Ok(new { status = "ok", database = db.Database.ProviderName })
            : TypedResults.Problem(statusCode: 503, title: "Database unreachable", detail: "The server cannot reach its database; check the connection string and that the database is running.");

    /// <summary>Migrates the database, creates the first user (printing its token), and starts listening.</summary>
    public static async Task<WebApplication> StartAsync(ServerSettings settings, CancellationToken ct = default)
    {
        var app = Build(settings);
        await DatabaseSetup.MigrateAsync(app.Services, ct);
        if (settings.Role != ServerRole.Worker) await EnsureFirstUserAsync(app.Services, settings.Out, ct);
        else settings.Out.WriteLine($"Worker {app.Services.GetRequiredService<Likeness.Server.JobEngine.JobLeases>().WorkerId} takes jobs from the shared queue.");
        if (app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Likeness.Providers.Replicate.ReplicateOptions>>().Value.AcceptUnsignedWebhooks)
            settings.Out.WriteLine("WARNING: Likeness:Providers:Replicate:AcceptUnsignedWebhooks is on: anyone who can reach /webhooks/replicate can forge a prediction result.");
        await app.StartAsync(ct);
        var addresses = Addresses(app);
        if (settings.Role != ServerRole.Worker && addresses.Count > 0)
            settings.Out.WriteLine($"Studio: open {addresses[0].TrimEnd('/')}/ in a browser and sign in with the API token (`likeness users token local` prints a new one).");
        foreach (var address in addresses) settings.Out.WriteLine($"Listening on {address}");
        await settings.Out.FlushAsync(ct);
        return app;
    }

    public static IReadOnlyList<string> Addresses(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];

    static async Task EnsureFirstUserAsync(IServiceProvider services, TextWriter output, CancellationToken ct)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<LikenessDb>>().CreateDbContextAsync(ct);
        if (await db.Users.AnyAsync(ct)) return;
        var (user, token) = await services.GetRequiredService<TokenService>().CreateUserAsync("local", ct);
        output.WriteLine($"Created user '{user.Name}'. API token (shown once, keep it): {token}");
    }
}
