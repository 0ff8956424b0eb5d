using System.Net;
using System.Text.Json;
using Likeness.Pipelines.Lora;
using Likeness.Providers.Tests.Fakes;
using Likeness.Server.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Likeness.Server.Tests;

/// <summary>
/// The identity LoRA lifecycle and the test panel over real HTTP, with fal.ai played by the loopback fake: training
/// that succeeds, fails, times out or hands back something that is not weights; panel outputs that are real photos.
/// </summary>
public sealed class IdentityLoraTests : IClassFixture<ProviderServerFixture>
{
    const string Leo = "identity/leonardo_dicaprio/";
    readonly ProviderServerFixture server;

    public IdentityLoraTests(ProviderServerFixture server)
    {
        this.server = server;
        server.Fal.Script = ["IN_QUEUE:1", "IN_PROGRESS", "COMPLETED"];
        server.Fal.ResultOverride = null;
        server.Fal.ImageReplies.Clear();
        server.Fal.Files.Put("lora.safetensors", TestFiles.Safetensors(), "application/octet-stream");
    }

    async Task<Guid> LeoAsync(HttpClient client, int photos = 3)
    {
        var id = await client.CreateIdentity("Leo");
        foreach (var name in new[] { "img35.jpg", "img36.jpg", "img37.jpg" }.Take(photos))
            await (await client.PostAsync($"/identities/{id}/photos", Http.Photos((name, TestPhotos.Shared(Leo + name))))).Json(HttpStatusCode.Created);
        return id;
    }

    async Task<JsonElement> TrainAsync(HttpClient client, Guid identity, object? body = null)
    {
        var started = await (await client.PostJson($"/identities/{identity}/lora", body ?? new { })).Json(HttpStatusCode.Accepted);
        Assert.Equal("identity-lora", started.GetProperty("kind").GetString());
        return await client.WaitForJob(started.Id(), TimeSpan.FromMinutes(3));
    }

    async Task<JsonElement> LoraAsync(HttpClient client, Guid identity) => await (await client.GetAsync($"/identities/{identity}/lora")).Json(HttpStatusCode.OK);

    [SkippableFact]
    public async Task Training_makes_a_verified_ready_version_and_a_failed_one_leaves_it_in_force()
    {
        var alice = server.Alice();
        var identity = await LeoAsync(alice);
        var before = await LoraAsync(alice, identity);
        Assert.Equal("none", before.GetProperty("status").GetString());
        Assert.Equal(2.0m, before.GetProperty("estimate").GetProperty("estimatedUsd").GetDecimal());

        var job = await TrainAsync(alice, identity);
        Assert.True(job.GetProperty("status").GetString() == "succeeded", job.ToString());
        Assert.Contains("no photo shows the person in profile", job.GetProperty("steps")[0].GetProperty("output").GetProperty("warning").GetString());
        var lora = await LoraAsync(alice, identity);
        Assert.Equal("ready", lora.GetProperty("status").GetString());
        var current = lora.GetProperty("current");
        Assert.Equal(1, current.GetProperty("version").GetInt32());
        Assert.Equal("lk" + identity.ToString("N")[..6], current.GetProperty("triggerWord").GetString());
        var weights = await (await alice.GetAsync($"/assets/{current.GetProperty("assetId").GetGuid()}/content")).Content.ReadAsByteArrayAsync();
        Assert.Null(SafetensorsFile.Problem(weights, out var tensors));
        Assert.Equal(1, tensors);
        var trigger = current.GetProperty("triggerWord").GetString();
        var submit = Assert.Single(server.Fal.Jobs.Values, j => j.Model == "fal-ai/flux-lora-fast-training" && j.Input["trigger_word"]!.GetValue<string>() == trigger);
        var zipUrl = submit.Input["images_data_url"]!.GetValue<string>();
        Assert.StartsWith(server.Fal.FilesBase, zipUrl); // uploaded to fal storage, not inlined
        using (var zip = new System.IO.Compression.ZipArchive(new MemoryStream(server.Fal.Files.Get(zipUrl[(server.Fal.FilesBase.Length + 1)..]))))
        {
            Assert.Equal(3, zip.Entries.Count);
            Assert.All(zip.Entries, e => Assert.EndsWith(".jpg", e.Name));
        }

        server.Fal.Script = ["IN_PROGRESS", "COMPLETED:internal_server_error:Training crashed on the worker."];
        var failed = await TrainAsync(alice, identity);
        Assert.Equal("failed", failed.GetProperty("status").GetString());
        lora = await LoraAsync(alice, identity);
        Assert.Equal("ready", lora.GetProperty("status").GetString()); // the current (ready) version stays in force
        Assert.Equal(1, lora.GetProperty("current").GetProperty("version").GetInt32());
        var v2 = lora.GetProperty("versions").EnumerateArray().Single(v => v.GetProperty("version").GetInt32() == 2);
        Assert.Equal("failed", v2.GetProperty("status").GetString());
        Assert.False(string.IsNullOrEmpty(v2.GetProperty("reason").GetString()));
    }

    [Fact]
    public async Task A_training_canceled_while_its_step_waits_to_retry_is_canceled_not_training()
    {
        // Between two attempts of `train` (a retry's backoff) no step code runs, so only the kind's cancel hook can
        // close the version row. The job is written as that moment with its cancel requested.
        var alice = server.Alice();
        var identity = await alice.CreateIdentity("Backoff");
        var job = new Likeness.Server.Data.Job
        {
            Id = Guid.NewGuid(), Kind = "identity-lora", InputJson = $"{{\"identityId\":\"{identity}\",\"triggerWord\":\"lkbackoff\",\"steps\":1000}}",
            CancelRequested = true, Status = Likeness.Jobs.JobStatus.Running, CreatedAt = DateTime.UtcNow, StartedAt = DateTime.UtcNow,
        };
        await using (var db = server.Db())
        {
            job.OwnerId = (await db.Identities.SingleAsync(i => i.Id == identity)).OwnerId;
            job.Steps.Add(new Likeness.Server.Data.JobStep { Id = Guid.NewGuid(), JobId = job.Id, Index = 0, Name = "train", Status = Likeness.Jobs.JobStatus.Queued, Attempts = 1, MaxAttempts = 3, NextAttemptAt = DateTime.UtcNow.AddMinutes(1) });
            db.IdentityLoras.Add(new Likeness.Server.Data.IdentityLora
            {
                Id = Guid.NewGuid(), IdentityId = identity, Version = 1, Status = Likeness.Server.Data.LoraStatus.Training, TriggerWord = "lkbackoff",
                Steps = 1000, Photos = 3, JobId = job.Id, CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow,
            });
            db.Jobs.Add(job);
            await db.SaveChangesAsync();
        }
        await server.App.Services.GetRequiredService<Likeness.Jobs.IJobQueue>().EnqueueAsync(job.Id, default);
        Assert.Equal("canceled", (await alice.WaitForJob(job.Id)).GetProperty("status").GetString());
        var version = Assert.Single((await LoraAsync(alice, identity)).GetProperty("versions").EnumerateArray());
        Assert.Equal("canceled", version.GetProperty("status").GetString());
        Assert.Contains("canceled", version.GetProperty("reason").GetString());
    }

    [SkippableFact]
    public async Task A_weights_file_that_is_not_safetensors_or_a_training_that_times_out_never_becomes_ready()
    {
        var alice = server.Alice();
        var identity = await LeoAsync(alice);
        server.Fal.Files.Put("lora.safetensors", TestFiles.Png(8, 8), "application/octet-stream");
        var bad = await TrainAsync(alice, identity);
        Assert.Equal("failed", bad.GetProperty("status").GetString());
        Assert.Contains("safetensors", bad.GetProperty("error").GetString());

        server.Fal.Files.Put("lora.safetensors", TestFiles.Safetensors(), "application/octet-stream");
        server.Fal.Script = ["IN_PROGRESS"]; // never finishes
        var slow = await TrainAsync(alice, identity, new { deadlineSeconds = 10 });
        Assert.Equal("failed", slow.GetProperty("status").GetString());

        var lora = await LoraAsync(alice, identity);
        Assert.Equal("failed", lora.GetProperty("status").GetString());
        Assert.True(!lora.TryGetProperty("current", out var none) || none.ValueKind == JsonValueKind.Null);
        Assert.All(lora.GetProperty("versions").EnumerateArray(), v => Assert.Equal("failed", v.GetProperty("status").GetString()));
        await using var db = server.Db();
        Assert.DoesNotContain(db.Assets, a => a.IdentityId == identity && a.Type == Likeness.Server.Data.AssetType.LoraModel);
    }

    [SkippableFact]
    public async Task Fewer_than_three_photos_is_422_with_the_fix()
    {
        var alice = server.Alice();
        var identity = await LeoAsync(alice, photos: 2);
        var problem = await (await alice.PostJson($"/identities/{identity}/lora", new { })).Problem(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("at least 3 accepted photos", problem.Detail());
        Assert.Contains("has 2", problem.Detail());
        var bad = await (await alice.PostJson($"/identities/{identity}/lora", new { triggerWord = "Leo!" })).Problem(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("triggerWord", bad.Detail());
    }

    [SkippableFact]
    public async Task The_panel_runs_five_gated_tests_with_the_lora_and_keeps_the_results_per_version()
    {
        var alice = server.Alice();
        var identity = await LeoAsync(alice);
        Assert.Equal("succeeded", (await TrainAsync(alice, identity)).GetProperty("status").GetString());
        // portrait, full body, profile (a front photo: wrong view), lighting, expression (someone else)
        foreach (var photo in new[] { Leo + "img35.jpg", Leo + "img37.jpg", Leo + "img35.jpg", Leo + "img36.jpg", "identity/angelina_jolie/img11.jpg" })
            server.Fal.ImageReplies.Enqueue(TestPhotos.Shared(photo));

        var started = await (await alice.PostJson($"/identities/{identity}/panel", new { })).Json(HttpStatusCode.Accepted);
        var job = await alice.WaitForJob(started.Id(), TimeSpan.FromMinutes(3));
        Assert.True(job.GetProperty("status").GetString() == "succeeded", job.ToString());

        var panel = await (await alice.GetAsync($"/identities/{identity}/panel?version=1")).Json(HttpStatusCode.OK);
        var results = panel.GetProperty("results").EnumerateArray().ToDictionary(r => r.GetProperty("test").GetString()!);
        Assert.Equal(["portrait", "full-body", "profile", "lighting", "expression"], results.Keys);
        Assert.True(results["portrait"].GetProperty("passed").GetBoolean(), results["portrait"].ToString());
        Assert.True(results["full-body"].GetProperty("passed").GetBoolean(), results["full-body"].ToString());
        Assert.True(results["lighting"].GetProperty("passed").GetBoolean(), results["lighting"].ToString());
        Assert.False(results["profile"].GetProperty("passed").GetBoolean());
        Assert.Contains("wrong view", results["profile"].GetProperty("verdict").GetString());
        Assert.False(results["expression"].GetProperty("passed").GetBoolean());
        Assert.Contains("another person", results["expression"].GetProperty("verdict").GetString());
        Assert.Equal(3, panel.GetProperty("passed").GetInt32());
        Assert.Equal(5, panel.GetProperty("total").GetInt32());

        var generations = server.Fal.Jobs.Values.Where(j => j.Model == "fal-ai/flux-lora").ToList();
        Assert.Equal(5, generations.Count);
        var current = (await LoraAsync(alice, identity)).GetProperty("current");
        Assert.All(generations, g =>
        {
            Assert.Contains(current.GetProperty("triggerWord").GetString()!, g.Input["prompt"]!.GetValue<string>());
            Assert.Equal(0.8, g.Input["loras"]![0]!["scale"]!.GetValue<double>());
        });
        await (await alice.GetAsync($"/identities/{identity}/panel?version=2")).Problem(HttpStatusCode.NotFound);
    }

    [SkippableFact]
    public async Task Erasing_the_identity_removes_its_lora_versions_weights_and_panel_images()
    {
        var alice = server.Alice();
        var identity = await LeoAsync(alice);
        Assert.Equal("succeeded", (await TrainAsync(alice, identity)).GetProperty("status").GetString());
        for (int i = 0; i < 5; i++) server.Fal.ImageReplies.Enqueue(TestPhotos.Shared(Leo + "img35.jpg"));
        var panel = await alice.WaitForJob((await (await alice.PostJson($"/identities/{identity}/panel", new { })).Json(HttpStatusCode.Accepted)).Id(), TimeSpan.FromMinutes(3));
        Assert.Equal("succeeded", panel.GetProperty("status").GetString());
        List<(Guid Id, string Sha)> derived;
        await using (var db = server.Db())
            derived = (await db.Assets.Where(a => a.IdentityId == identity).ToListAsync()).Select(a => (a.Id, a.BlobSha256)).ToList();
        Assert.True(derived.Count >= 2, $"weights and panel images are assets of the identity ({derived.Count})");

        Assert.Equal(HttpStatusCode.NoContent, (await alice.DeleteAsync($"/identities/{identity}")).StatusCode);

        await using (var db = server.Db())
        {
            Assert.False(await db.IdentityLoras.AnyAsync(l => l.IdentityId == identity));
            Assert.False(await db.Assets.AnyAsync(a => a.IdentityId == identity));
        }
        int erased = 0;
        foreach (var (id, sha) in derived)
        {
            await (await alice.GetAsync($"/assets/{id}/content")).Problem(HttpStatusCode.NotFound);
            await using var db = server.Db();
            // The fake hands every training the same weights file: a blob another identity's asset still uses must stay.
            if (await db.Assets.AnyAsync(a => a.BlobSha256 == sha)) continue;
            await using var left = await server.Blobs.OpenReadAsync(sha, default);
            Assert.Null(left);
            erased++;
        }
        Assert.True(erased >= 4, $"{erased} blobs erased (the 4 stored panel images at least: the profile test fails on a front photo and stores none)");
    }

    [SkippableFact]
    public async Task Generation_for_the_identity_applies_its_current_lora_and_one_training_runs_at_a_time()
    {
        var alice = server.Alice();
        var identity = await LeoAsync(alice);
        Assert.Equal("succeeded", (await TrainAsync(alice, identity)).GetProperty("status").GetString());
        var trigger = (await LoraAsync(alice, identity)).GetProperty("current").GetProperty("triggerWord").GetString()!;

        var created = await (await alice.PostJson("/jobs", new { kind = "generate", input = new { operation = "text-to-image", prompt = "on a beach at noon", identityId = identity, loraScale = 0.7 } })).Json(HttpStatusCode.Accepted);
        var job = await alice.WaitForJob(created.Id());
        Assert.True(job.GetProperty("status").GetString() == "succeeded", job.ToString());
        var call = Assert.Single(server.Fal.Jobs.Values, j => j.Model == "fal-ai/flux-lora" && j.Input["prompt"]!.GetValue<string>().Contains("on a beach at noon"));
        Assert.StartsWith($"A photo of {trigger}. on a beach", call.Input["prompt"]!.GetValue<string>());
        Assert.Equal(0.7, call.Input["loras"]![0]!["scale"]!.GetValue<double>());
        Assert.Equal($"{server.Fal.FilesBase}/lora.safetensors", call.Input["loras"]![0]!["path"]!.GetValue<string>());

        server.Fal.Script = ["IN_PROGRESS"];
        var first = await (await alice.PostJson($"/identities/{identity}/lora", new { deadlineSeconds = 10 })).Json(HttpStatusCode.Accepted);
        var second = await (await alice.PostJson($"/identities/{identity}/lora", new { })).Problem(HttpStatusCode.Conflict);
        Assert.Contains(first.Id().ToString(), second.Detail());
        Assert.Equal("failed", (await alice.WaitForJob(first.Id(), TimeSpan.FromMinutes(2))).GetProperty("status").GetString());
        Assert.Equal(1, (await LoraAsync(alice, identity)).GetProperty("current").GetProperty("version").GetInt32());
    }
}
