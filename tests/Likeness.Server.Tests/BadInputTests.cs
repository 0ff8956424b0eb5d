using System.Net;
using System.Net.Http.Headers;
using Likeness.Server.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace Likeness.Server.Tests;

/// <summary>Every bad request is a 4xx ProblemDetails that says what to do, and nothing is half-written.</summary>
public sealed class BadInputTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    async Task<(int Photos, int Blobs)> Counts(Guid identity)
    {
        await using var db = server.Db();
        return (await db.IdentityPhotos.CountAsync(p => p.IdentityId == identity), server.Blobs.List().Count());
    }

    [Fact]
    public async Task Oversized_photo_is_413_and_nothing_is_stored()
    {
        var alice = server.Alice();
        var identity = await alice.CreateIdentity();
        var before = await Counts(identity);
        var big = TestImages.Png(512, 512, seed: 1).Concat(new byte[11 * 1024 * 1024]).ToArray();
        var response = await alice.PostAsync($"/identities/{identity}/photos", Http.Photos(("fine.png", TestPhotos.Face(2)), ("huge.png", big)));
        var problem = await response.Problem(HttpStatusCode.RequestEntityTooLarge);
        Assert.Matches(@"huge\.png is 11\.\d MB; the limit is 10 MB per photo", problem.Detail());
        var photos = problem.GetProperty("photos");
        Assert.True(photos[0].GetProperty("accepted").GetBoolean());
        Assert.False(photos[1].GetProperty("accepted").GetBoolean());
        Assert.Equal(before, await Counts(identity));
    }

    [Fact]
    public async Task Non_image_corrupt_and_small_photos_are_rejected_per_photo_with_reasons()
    {
        var alice = server.Alice();
        var identity = await alice.CreateIdentity();
        var before = await Counts(identity);
        var corrupt = TestImages.Png(600, 600, seed: 3);
        corrupt[40] ^= 0xFF; // inside IDAT: its CRC no longer matches
        var truncated = TestImages.Png(600, 600, seed: 4)[..^20];
        var response = await alice.PostAsync($"/identities/{identity}/photos", Http.Photos(
            ("notes.txt", "hello, I am not a photo"u8.ToArray()),
            ("corrupt.png", corrupt),
            ("truncated.png", truncated),
            ("tiny.png", TestImages.Png(100, 80, seed: 5)),
            ("good.png", TestPhotos.Face(6))));
        var problem = await response.Problem(HttpStatusCode.UnprocessableEntity);
        var photos = problem.GetProperty("photos").EnumerateArray().ToDictionary(p => p.GetProperty("fileName").GetString()!);
        Assert.Contains("not a JPEG, PNG or WebP", photos["notes.txt"].GetProperty("reasons")[0].GetString());
        Assert.Contains("cannot be read: corrupt PNG (libpng:", photos["corrupt.png"].GetProperty("reasons")[0].GetString());
        Assert.Contains("cannot be read: corrupt PNG (libpng:", photos["truncated.png"].GetProperty("reasons")[0].GetString());
        Assert.Contains("100x80; photos need at least 512x512", photos["tiny.png"].GetProperty("reasons")[0].GetString());
        Assert.True(photos["good.png"].GetProperty("accepted").GetBoolean());
        Assert.Contains("4 of 5 photo(s) failed", problem.Detail());
        Assert.Equal(before, await Counts(identity));
    }

    [Fact]
    public async Task Asset_upload_of_wrong_content_is_422_and_stores_no_blob()
    {
        var alice = server.Alice();
        var blobs = server.Blobs.List().Count();
        var form = new MultipartFormDataContent { { new ByteArrayContent("%PDF-1.7 not an image"u8.ToArray()), "file", "doc.pdf" }, { new StringContent("BACKGROUND"), "type" } };
        var problem = await (await alice.PostAsync("/assets", form)).Problem(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("BACKGROUND assets must be JPEG, PNG or WebP", problem.Detail());
        Assert.Equal(blobs, server.Blobs.List().Count());
    }

    [Fact]
    public async Task Unknown_json_fields_are_400_naming_the_field()
    {
        var problem = await (await server.Alice().PostRaw("/identities",
            """{"name":"Ana","consent":{"attestedBy":"Ana","statement":"I agree to all of this."},"isAdmin":true}""")).Problem(HttpStatusCode.BadRequest);
        Assert.Contains("Unknown field 'isAdmin'", problem.Detail());
    }

    [Fact]
    public async Task Invalid_enum_values_are_400_listing_the_allowed_values()
    {
        var alice = server.Alice();
        var scene = await (await alice.PostRaw("/scenes", """{"name":"Beach","compositeMode":"blend"}""")).Problem(HttpStatusCode.BadRequest);
        Assert.Contains("use one of inpaint, overlay, generate, none", scene.Detail());
        var numeric = await (await alice.PostRaw("/scenes", """{"name":"Beach","compositeMode":2}""")).Problem(HttpStatusCode.BadRequest);
        Assert.Contains("compositeMode", numeric.Detail());

        var form = new MultipartFormDataContent { { new ByteArrayContent(TestImages.Png(512, 512)), "file", "a.png" }, { new StringContent("PHOTO"), "type" } };
        var asset = await (await alice.PostAsync("/assets", form)).Problem(HttpStatusCode.BadRequest);
        Assert.Contains("'PHOTO' is not an asset type; use one of HEADSHOT, BACKGROUND", asset.Detail());
        var list = await (await alice.GetAsync("/jobs?status=done")).Problem(HttpStatusCode.BadRequest);
        Assert.Contains("use one of queued, running, succeeded", list.Detail());
    }

    [Fact]
    public async Task Path_like_names_and_folders_are_400()
    {
        var alice = server.Alice();
        var identity = await (await alice.PostJson("/identities", new { name = "../../etc/passwd", consent = new { attestedBy = "x", statement = "I agree to all of this." } }))
            .Problem(HttpStatusCode.BadRequest);
        Assert.Contains("looks like a path", identity.Detail());
        Assert.Equal("name", identity.GetProperty("errors").EnumerateObject().Single().Name);

        var blobs = server.Blobs.List().Count();
        var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(TestImages.Png(512, 512, seed: 40)), "file", "ok.png" }, { new StringContent("HEADSHOT"), "type" },
            { new StringContent("../outside"), "folder" }, { new StringContent("a\\b.png"), "name" },
        };
        var asset = await (await alice.PostAsync("/assets", form)).Problem(HttpStatusCode.BadRequest);
        Assert.Contains("folder", asset.Detail());
        Assert.Contains("name", asset.Detail());
        Assert.Equal(blobs, server.Blobs.List().Count());

        var photo = await (await alice.PostAsync($"/identities/{await alice.CreateIdentity()}/photos", Http.Photos(("../../x.png", TestPhotos.Face(41)))))
            .Problem(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("looks like a path", photo.Detail());
    }

    [Fact]
    public async Task Missing_consent_and_malformed_bodies_are_400()
    {
        var alice = server.Alice();
        var missing = await (await alice.PostRaw("/identities", """{"name":"Ana"}""")).Problem(HttpStatusCode.BadRequest);
        Assert.Contains("'consent'", missing.Detail());
        var blank = await (await alice.PostJson("/identities", new { name = "Ana", consent = new { attestedBy = " ", statement = "ok" } })).Problem(HttpStatusCode.BadRequest);
        Assert.Contains("consent.attestedBy", blank.Detail());
        Assert.Contains("consent.statement", blank.Detail());
        await (await alice.PostRaw("/identities", """{"name": "Ana", """)).Problem(HttpStatusCode.BadRequest);
        var wrongType = await (await alice.PostRaw("/jobs", """{"kind":"duplicate","input":{"assetId":"nope"}}""")).Problem(HttpStatusCode.BadRequest);
        Assert.Contains("input", wrongType.Detail());
    }

    [Fact]
    public async Task Photos_need_multipart_and_at_least_one_file()
    {
        var alice = server.Alice();
        var identity = await alice.CreateIdentity();
        var json = new ByteArrayContent("{}"u8.ToArray());
        json.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        await (await alice.PostAsync($"/identities/{identity}/photos", json)).Problem(HttpStatusCode.UnsupportedMediaType);
        var empty = new MultipartFormDataContent { { new StringContent("x"), "note" } };
        var problem = await (await alice.PostAsync($"/identities/{identity}/photos", empty)).Problem(HttpStatusCode.BadRequest);
        Assert.Contains("no files were sent", problem.Detail());
    }

    [Fact]
    public async Task Unknown_routes_answer_problem_details()
    {
        await (await server.Alice().GetAsync("/nothing-here")).Problem(HttpStatusCode.NotFound).ContinueWith(_ => { });
        var response = await server.Alice().GetAsync($"/identities/{Guid.NewGuid()}");
        var problem = await response.Problem(HttpStatusCode.NotFound);
        Assert.Contains("No identity with id", problem.Detail());
    }
}
