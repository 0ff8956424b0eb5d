using System.Net;
using System.Text.Json;
using Likeness.Server.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace Likeness.Server.Tests;

public sealed class IdentityAndAssetTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Identity_crud_with_photos_keeps_consent_and_check_results()
    {
        var alice = server.Alice();
        var id = await alice.CreateIdentity("Maya");
        var front = TestPhotos.Face(20);
        var upload = await (await alice.PostAsync($"/identities/{id}/photos",
            Http.Photos(("front.png", front), ("side.jpg", TestPhotos.Face(21, Likeness.Imaging.Codecs.ImageFormat.Jpeg))))).Json(HttpStatusCode.Created);
        Assert.Equal(2, upload.GetArrayLength());
        Assert.Equal("jpeg", upload[1].GetProperty("format").GetString());
        Assert.Equal(768, upload[1].GetProperty("width").GetInt32());

        var updated = await (await alice.PutAsJsonAsync($"/identities/{id}", new { name = "Maya R", traits = new { eyeColour = "brown" }, lora = new { provider = "replicate", url = "https://example.test/lora.safetensors", triggerWord = "mayar", scale = 0.8 } }))
            .Json(HttpStatusCode.OK);
        Assert.Equal("Maya R", updated.GetProperty("name").GetString());
        Assert.Equal("brown", updated.GetProperty("traits").GetProperty("eyeColour").GetString());
        Assert.Equal("Maya", updated.GetProperty("consent").GetProperty("attestedBy").GetString());
        Assert.Equal(0.8, updated.GetProperty("lora").GetProperty("scale").GetDouble());
        Assert.Equal(2, updated.GetProperty("photos").GetArrayLength());

        var photo = updated.GetProperty("photos").EnumerateArray().Single(p => p.GetProperty("fileName").GetString() == "front.png");
        var content = await alice.GetByteArrayAsync($"/identities/{id}/photos/{photo.Id()}/content");
        Assert.Equal(front, content);
        Assert.Equal(0, (await (await alice.GetAsync($"/identities/{id}/views")).Json(HttpStatusCode.OK)).GetArrayLength());
    }

    [Fact]
    public async Task Deleting_an_identity_erases_its_photos_views_embedding_and_derived_blobs_but_keeps_shared_ones()
    {
        var alice = server.Alice();
        var id = await alice.CreateIdentity("Erase Me");
        var onlyHere = TestPhotos.Face(30);
        var shared = TestPhotos.Face(31);
        await (await alice.PostAsync($"/identities/{id}/photos", Http.Photos(("a.png", onlyHere), ("b.png", shared)))).Json(HttpStatusCode.Created);
        var sharedAsset = await alice.UploadAsset(shared, name: "kept.png"); // same bytes used elsewhere: must survive

        // The real engine writes the views, the contact sheet and the embedding template...
        var viewsJob = await (await alice.PostJson($"/identities/{id}/views", new { matting = "fast" })).Json(HttpStatusCode.Accepted);
        var views = await alice.WaitForJob(viewsJob.Id(), TimeSpan.FromMinutes(3));
        Assert.True(views.GetProperty("status").GetString() == "succeeded", views.ToString());
        // ...and a render of a scene with this identity is an image derived from it.
        var background = await alice.UploadAsset(TestPhotos.Sample("rocket.jpg"), type: "BACKGROUND", name: "rocket.jpg");
        var scene = await (await alice.PostJson("/scenes", new { name = "Erase scene", backgroundAssetId = background.Id(), identityId = id })).Json(HttpStatusCode.Created);
        var renderJob = await (await alice.PostJson($"/scenes/{scene.Id()}/render", new { matting = "fast" })).Json(HttpStatusCode.Accepted);
        var rendered = await alice.WaitForJob(renderJob.Id(), TimeSpan.FromMinutes(3));
        Assert.True(rendered.GetProperty("status").GetString() == "succeeded", rendered.ToString());
        var derivedId = rendered.GetProperty("steps")[0].GetProperty("outputAssetIds")[0].GetGuid();
        string[] viewShas;
        string derivedSha;
        byte[] embedding;
        await using (var db = server.Db())
        {
            var identity = await db.Identities.Include(i => i.Views).SingleAsync(i => i.Id == id);
            Assert.NotNull(identity.EmbeddingTemplate);
            Assert.Contains(identity.Views, v => v.Angle == "front");
            Assert.Contains(identity.Views, v => v.Angle == "sheet");
            viewShas = identity.Views.Select(v => v.BlobSha256).ToArray();
            embedding = identity.EmbeddingTemplate!;
            var derived = await db.Assets.SingleAsync(a => a.Id == derivedId);
            Assert.Equal(id, derived.IdentityId);
            derivedSha = derived.BlobSha256;
        }
        var onlySha = Sha(onlyHere);
        var sharedSha = Sha(shared);
        Assert.True(server.Blobs.Exists(onlySha) && viewShas.All(server.Blobs.Exists) && server.Blobs.Exists(derivedSha));

        Assert.Equal(HttpStatusCode.NoContent, (await alice.DeleteAsync($"/identities/{id}")).StatusCode);

        var stored = server.Blobs.List().ToHashSet();
        Assert.DoesNotContain(onlySha, stored);
        foreach (var viewSha in viewShas) Assert.DoesNotContain(viewSha, stored);
        Assert.DoesNotContain(derivedSha, stored);
        Assert.Contains(sharedSha, stored);
        Assert.Contains(background.GetProperty("sha256").GetString()!, stored);
        await using (var db = server.Db())
        {
            Assert.False(await db.Identities.AnyAsync(i => i.Id == id));
            Assert.False(await db.IdentityPhotos.AnyAsync(p => p.IdentityId == id));
            Assert.False(await db.IdentityViews.AnyAsync(v => v.IdentityId == id));
            Assert.False(await db.Assets.AnyAsync(a => a.IdentityId == id));
            Assert.False(await db.IdentityPhotos.AnyAsync(p => p.BlobSha256 == onlySha));
            Assert.Null((await db.Scenes.SingleAsync(s => s.Id == scene.Id())).IdentityId);
        }
        Assert.Equal(shared, await alice.GetByteArrayAsync($"/assets/{sharedAsset.Id()}/content"));
        await (await alice.GetAsync($"/identities/{id}")).Problem(HttpStatusCode.NotFound);

        // The jobs that made the views and the render named the identity, its photos and outputs: gone too.
        await (await alice.GetAsync($"/jobs/{viewsJob.Id()}")).Problem(HttpStatusCode.NotFound);
        await (await alice.GetAsync($"/jobs/{renderJob.Id()}")).Problem(HttpStatusCode.NotFound);
        // No byte of the database files or the blob store still holds the id, the photo's hash or the embedding.
        if (server.Database.Options.Provider == Likeness.Server.Data.DatabaseProvider.Sqlite)
        {
            var files = Directory.GetFiles(server.DataPath, "likeness.db*");
            var needles = new[] { id.ToString(), id.ToString().ToUpperInvariant(), onlySha }.Select(System.Text.Encoding.ASCII.GetBytes)
                .Append(embedding.AsSpan(0, 16).ToArray()).ToList();
            foreach (var file in files)
            {
                var bytes = File.ReadAllBytes(file);
                foreach (var needle in needles)
                    Assert.True(bytes.AsSpan().IndexOf(needle) < 0, $"{Path.GetFileName(file)} still holds {Convert.ToHexString(needle)}");
            }
        }
        foreach (var blob in Directory.EnumerateFiles(server.DataPath, "*", SearchOption.AllDirectories).Where(f => f.Contains("blobs")))
            Assert.True(File.ReadAllBytes(blob).AsSpan().IndexOf(embedding.AsSpan(0, 16)) < 0, $"{blob} holds the embedding");
    }

    [Fact]
    public async Task Export_without_images_omits_them_and_with_images_round_trips_through_import()
    {
        var alice = server.Alice();
        var id = await alice.CreateIdentity("Travel");
        var photo = TestPhotos.Face(50);
        await (await alice.PostAsync($"/identities/{id}/photos", Http.Photos(("p.png", photo)))).Json(HttpStatusCode.Created);

        var light = await (await alice.GetAsync($"/identities/{id}/export")).Json(HttpStatusCode.OK);
        Assert.False(light.GetProperty("photos")[0].TryGetProperty("data", out _));
        var full = await (await alice.GetAsync($"/identities/{id}/export?includeImages=true")).Json(HttpStatusCode.OK);
        Assert.Equal(photo, Convert.FromBase64String(full.GetProperty("photos")[0].GetProperty("data").GetString()!));

        // Bob imports Alice's full export: he gets his own identity with the photo.
        var imported = await (await server.Bob().PostRaw("/identities/import", full.GetRawText())).Json(HttpStatusCode.Created);
        var copy = imported.GetProperty("identity");
        Assert.NotEqual(id, copy.Id());
        Assert.Equal("Travel", copy.GetProperty("name").GetString());
        Assert.Equal("I agree that my likeness may be used for my own headshots.", copy.GetProperty("consent").GetProperty("statement").GetString());
        var copiedPhoto = copy.GetProperty("photos")[0].Id();
        Assert.Equal(photo, await server.Bob().GetByteArrayAsync($"/identities/{copy.Id()}/photos/{copiedPhoto}/content"));

        // A light export carries only a blob address, which must not grant the bytes.
        var fromLight = await (await server.Bob().PostRaw("/identities/import", light.GetRawText())).Json(HttpStatusCode.Created);
        Assert.Equal(0, fromLight.GetProperty("identity").GetProperty("photos").GetArrayLength());
        Assert.Contains("exported without image data", fromLight.GetProperty("skipped")[0].GetString());
    }

    [Fact]
    public async Task Assets_upload_list_rename_download_and_delete()
    {
        var alice = server.Alice();
        var bytes = TestImages.Png(700, 500, seed: 60);
        var asset = await alice.UploadAsset(bytes, type: "BACKGROUND", name: "beach.png", folder: "campaigns/summer");
        Assert.Equal("BACKGROUND", asset.GetProperty("type").GetString());
        Assert.Equal(700, asset.GetProperty("width").GetInt32());
        Assert.Equal(Sha(bytes), asset.GetProperty("sha256").GetString());

        var listed = await (await alice.GetAsync("/assets?type=BACKGROUND&folder=campaigns/summer")).Json(HttpStatusCode.OK);
        Assert.Contains(listed.GetProperty("items").EnumerateArray(), a => a.Id() == asset.Id());

        var renamed = await (await alice.PutAsJsonAsync($"/assets/{asset.Id()}", new { name = "beach-2.png", folder = "archive" })).Json(HttpStatusCode.OK);
        Assert.Equal("archive", renamed.GetProperty("folder").GetString());
        Assert.Equal(bytes, await alice.GetByteArrayAsync($"/assets/{asset.Id()}/content"));

        var scene = await (await alice.PostJson("/scenes", new { name = "Beach", compositeMode = "inpaint", backgroundAssetId = asset.Id(), personPosition = new { x = 0.4, y = 0.6, scale = 1.2, rotation = 5 }, exportPreset = "ig-feed" })).Json(HttpStatusCode.Created);
        Assert.Equal("inpaint", scene.GetProperty("compositeMode").GetString());
        var inUse = await (await alice.DeleteAsync($"/assets/{asset.Id()}")).Problem(HttpStatusCode.Conflict);
        Assert.Contains("Scene 'Beach' uses this asset", inUse.Detail());
        Assert.Equal(HttpStatusCode.NoContent, (await alice.DeleteAsync($"/scenes/{scene.Id()}")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await alice.DeleteAsync($"/assets/{asset.Id()}")).StatusCode);
        Assert.False(server.Blobs.Exists(Sha(bytes)));
        await (await alice.GetAsync($"/assets/{asset.Id()}")).Problem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Scenes_validate_references_and_ranges()
    {
        var alice = server.Alice();
        var problem = await (await alice.PostJson("/scenes", new { name = "Bad", backgroundAssetId = Guid.NewGuid(), personPosition = new { x = 2.0 }, exportPreset = "poster" }))
            .Problem(HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty("backgroundAssetId", out _));
        Assert.True(errors.TryGetProperty("personPosition.x", out _));
        Assert.Contains("ig-feed", errors.GetProperty("exportPreset")[0].GetString());
    }

    static string Sha(byte[] bytes) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
}

static class JsonPut
{
    public static Task<HttpResponseMessage> PutAsJsonAsync(this HttpClient client, string url, object body) =>
        System.Net.Http.Json.HttpClientJsonExtensions.PutAsJsonAsync(client, url, body);
}
