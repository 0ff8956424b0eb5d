using System.Net;
using Likeness.Server.Data;
using Likeness.Server.Tests.Support;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Likeness.Server.Tests;

public sealed class SchemaAndDocumentTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    /// <summary>
    /// The hand-written, provider-neutral migration must create exactly the schema the model describes:
    /// compare it with what EF creates straight from the model, table by table and column by column.
    /// </summary>
    [Fact]
    public async Task Migrated_schema_matches_the_model()
    {
        await using var migrated = server.Db();
        var fromModelOptions = new DbContextOptionsBuilder<LikenessDb>();
        await using var scratch = await TestDatabase.CreateAsync();
        var scratchFolder = Path.Combine(Path.GetTempPath(), "likeness-tests", "schema-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(scratchFolder);
        DatabaseSetup.Configure(fromModelOptions, scratch.Options.Provider, DatabaseSetup.ResolveConnectionString(scratch.Options, scratchFolder));
        await using var fromModel = new LikenessDb(fromModelOptions.Options);
        await fromModel.Database.EnsureCreatedAsync();
        try
        {
            Assert.Equal(await Describe(fromModel), await Describe(migrated));
            Assert.Empty(await migrated.Database.GetPendingMigrationsAsync());
        }
        finally
        {
            await fromModel.Database.EnsureDeletedAsync();
        }
    }

    static async Task<List<string>> Describe(LikenessDb db)
    {
        var sql = db.Database.IsSqlite()
            ? """
              SELECT m.name || '.' || p.name || ':' || p.type || ':' || p."notnull" || ':' || p.pk
              FROM sqlite_master m JOIN pragma_table_info(m.name) p
              WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND substr(m.name, 1, 4) <> '__EF'
              UNION ALL
              SELECT 'index ' || name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%'
              """
            : """
              SELECT table_name || '.' || column_name || ':' || data_type || ':' || is_nullable || ':' || coalesce(column_default, '')
              FROM information_schema.columns WHERE table_schema = 'public' AND left(table_name, 4) <> '__EF'
              UNION ALL
              SELECT 'index ' || indexname || ' ' || indexdef FROM pg_indexes WHERE schemaname = 'public' AND left(tablename, 4) <> '__EF'
              """;
        var rows = await db.Database.SqlQueryRaw<string>(sql).ToListAsync();
        return rows.Select(r => r.Replace("lk_test_", "")).Order(StringComparer.Ordinal).ToList();
    }

    [Fact]
    public async Task OpenApi_document_describes_every_endpoint()
    {
        var doc = await (await server.Client(null).GetAsync("/openapi/v1.json")).Json(HttpStatusCode.OK);
        var paths = doc.GetProperty("paths");
        var endpoints = server.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } raw && !raw.StartsWith("/openapi"))
            // The web studio's pages are HTML for browsers, not API operations.
            .Where(e => e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.IExcludeFromDescriptionMetadata>() is not { ExcludeFromDescription: true })
            .ToList();
        Assert.True(endpoints.Count > 30, $"only {endpoints.Count} endpoints found");
        foreach (var endpoint in endpoints)
        {
            var template = "/" + System.Text.RegularExpressions.Regex.Replace(endpoint.RoutePattern.RawText!.Trim('/'), ":[a-z]+}", "}");
            if (template.Length > 1) template = template.TrimEnd('/');
            Assert.True(paths.TryGetProperty(template, out var operations), $"{template} is missing from the OpenAPI document");
            foreach (var method in endpoint.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods)
                Assert.True(operations.TryGetProperty(method.ToLowerInvariant(), out var op) && op.TryGetProperty("summary", out _), $"{method} {template} has no documented operation with a summary");
        }
    }
}
