using System.Net;
using Likeness.Server.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace Likeness.Server.Tests;

/// <summary>POST /identities/{id}/photos runs the face rules of `likeness check`; a failing photo stores nothing.</summary>
[Collection(EngineCollection.Name)]
public sealed class PhotoCheckTests(ServerFixture server)
{
    async Task<(int Photos, int Blobs)> Counts(Guid identity)
    {
        await using var db = server.Db();
        return (await db.IdentityPhotos.CountAsync(p => p.IdentityId == identity), server.Blobs.List().Count());
    }

    static Dictionary<string, System.Text.Json.JsonElement> ByName(System.Text.Json.JsonElement problem) =>
        problem.GetProperty("photos").EnumerateArray().ToDictionary(p => p.GetProperty("fileName").GetString()!);

    [Fact]
    public async Task A_photo_without_a_face_is_rejected_with_the_fix_and_its_good_companion_is_not_stored_either()
    {
        var alice = server.Alice();
        var identity = await alice.CreateIdentity("No Face");
        var before = await Counts(identity);
        var response = await alice.PostAsync($"/identities/{identity}/photos", Http.Photos(("me.png", TestPhotos.Face(200)), ("pattern.png", TestImages.Png(640, 640, seed: 9))));
        var problem = await response.Problem(HttpStatusCode.UnprocessableEntity);
        var photos = ByName(problem);
        Assert.True(photos["me.png"].GetProperty("accepted").GetBoolean());
        var reason = Assert.Single(photos["pattern.png"].GetProperty("reasons").EnumerateArray()).GetString();
        Assert.Equal("pattern.png: no face found; use a photo where your face is clearly visible and not covered", reason);
        Assert.Contains("1 of 2 photo(s) failed", problem.Detail());
        Assert.Equal(before, await Counts(identity));
    }

    [SkippableFact]
    public async Task A_photo_of_two_people_is_rejected_as_not_one_face()
    {
        var couple = TestPhotos.Shared("portraits/deepface/couple.jpg");
        var alice = server.Alice();
        var identity = await alice.CreateIdentity("Couple");
        var before = await Counts(identity);
        var problem = await (await alice.PostAsync($"/identities/{identity}/photos", Http.Photos(("couple.jpg", couple)))).Problem(HttpStatusCode.UnprocessableEntity);
        var reasons = ByName(problem)["couple.jpg"].GetProperty("reasons").EnumerateArray().Select(r => r.GetString()!).ToList();
        Assert.Contains(reasons, r => r.StartsWith("couple.jpg: 2 faces, none clearly dominant; use a photo of you alone"));
        Assert.Equal(before, await Counts(identity));
    }

    [SkippableFact]
    public async Task Photos_of_two_different_people_in_one_upload_are_both_rejected()
    {
        var angelina = TestPhotos.Shared("identity/angelina_jolie/img11.jpg");
        var mark = TestPhotos.Shared("identity/mark_zuckerberg/img13.jpg");
        var alice = server.Alice();
        var identity = await alice.CreateIdentity("Mixed");
        var before = await Counts(identity);
        var problem = await (await alice.PostAsync($"/identities/{identity}/photos", Http.Photos(("a.jpg", angelina), ("m.jpg", mark)))).Problem(HttpStatusCode.UnprocessableEntity);
        foreach (var (name, photo) in ByName(problem))
        {
            Assert.False(photo.GetProperty("accepted").GetBoolean());
            Assert.Contains("does not look like the same person", photo.GetProperty("reasons")[0].GetString());
            Assert.True(photo.GetProperty("otherPerson").GetBoolean(), $"{name} should be flagged as another person");
        }
        Assert.Equal(2, problem.GetProperty("photos").GetArrayLength());
        Assert.Equal(before, await Counts(identity));
    }

    [Fact]
    public async Task Backgrounds_are_not_face_checked()
    {
        var alice = server.Alice();
        var background = await alice.UploadAsset(TestImages.Png(800, 600, seed: 90), type: "BACKGROUND", name: "wall.png");
        Assert.Equal(800, background.GetProperty("width").GetInt32());
    }
}
