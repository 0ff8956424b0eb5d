using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;

namespace Likeness.Studio;

/// <summary>
/// Serves the web studio: page shells at `/` and `/studio/*`, scripts and styles at `/studio/assets/*`. The pages hold
/// no user data and need no sign-in; the scripts keep the API token in sessionStorage and send it as a bearer header,
/// so the studio is a client of the same REST API everyone uses.
/// </summary>
public static class StudioSetup
{
    public const string AssetsPath = "/studio/assets";

    public static IServiceCollection AddLikenessStudio(this IServiceCollection services)
    {
        services.AddRazorPages().AddApplicationPart(typeof(StudioSetup).Assembly);
        return services;
    }

    public static WebApplication MapLikenessStudio(this WebApplication app)
    {
        app.Use(async (http, next) =>
        {
            var path = http.Request.Path;
            if (path == "/" || path.StartsWithSegments("/studio"))
            {
                // Everything the studio loads comes from this server: no CDN, no inline script, images only from here or blobs.
                http.Response.Headers.ContentSecurityPolicy =
                    "default-src 'self'; img-src 'self' blob: data:; media-src 'self' blob:; script-src 'self'; style-src 'self'; " +
                    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
                http.Response.Headers["Referrer-Policy"] = "no-referrer";
            }
            await next(http);
        });
        app.UseStaticFiles(new StaticFileOptions
        {
            RequestPath = AssetsPath,
            FileProvider = new EmbeddedFileProvider(typeof(StudioSetup).Assembly, "Likeness.Studio.assets"),
            OnPrepareResponse = c => c.Context.Response.Headers.CacheControl = "no-cache",
        });
        app.MapRazorPages().AllowAnonymous().ExcludeFromDescription();
        return app;
    }
}
