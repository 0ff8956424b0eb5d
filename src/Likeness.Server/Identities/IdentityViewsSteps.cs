using System.Buffers.Binary;
using System.Text.Json;
using Likeness.Imaging.Codecs;
using Likeness.Jobs;
using Likeness.Pipelines;
using Likeness.Pipelines.Views;
using Likeness.Server.Api;
using Likeness.Server.Blobs;
using Likeness.Server.Data;
using Likeness.Vision.Faces.Pose;
using Likeness.Vision.Identity;
using Likeness.Vision.Matting;
using Microsoft.EntityFrameworkCore;
using Likeness.Server.Generation;

namespace Likeness.Server.Identities;

/// <summary>
/// Output of `analyse`: the photos that show the identity and why others were left out. It holds no embedding: step
/// outputs outlive an erased identity, so the template is computed again where it is stored.
/// </summary>
public sealed record ViewsAnalysis(IReadOnlyList<Guid> PhotoIds, IReadOnlyList<string> Skipped);

public sealed class IdentityViewsAnalyseStep(VisionEngine engine, IDbContextFactory<LikenessDb> dbFactory, IBlobStore blobs) : IJobStepHandler
{
    public string Kind => IdentityViewsKind.Name;
    public string Name => "analyse";

    public async Task<JobStepResult> ExecuteAsync(JobStepContext context, CancellationToken ct)
    {
        var input = IdentityViewsKind.Parse(context);
        var identity = await IdentityPhotoFiles.OwnedNameAsync(dbFactory, context, input.IdentityId, ct);
        return await IdentityViewsKind.TrackStatusAsync(dbFactory, input.IdentityId, () => AnalyseAsync(context, input.IdentityId, identity, ct), ct);
    }

    async Task<JobStepResult> AnalyseAsync(JobStepContext context, Guid identityId, string identityName, CancellationToken ct)
    {
        var photos = await IdentityPhotoFiles.LoadAsync(dbFactory, blobs, identityId, null, ct);
        if (photos.Count == 0) throw new PermanentJobException($"'{identityName}' has no accepted photos: upload 3-5 clear photos, one looking straight into the camera, then run views again.");
        var faces = new List<(Guid Id, string Name, FaceEmbedding Embedding, FaceView View)>();
        var skipped = new List<string>();
        for (var i = 0; i < photos.Count; i++)
        {
            ct.ThrowIfCancellationRequested();
            context.Progress.Report((double)i / photos.Count);
            var (id, photo) = photos[i];
            try
            {
                var image = photo.Decode();
                if (await engine.DominantFaceAsync(image, ct) is not { } face) { skipped.Add($"{photo.Name}: no face found"); continue; }
                var pose = await engine.HeadPoseAsync(image, face, ct);
                faces.Add((id, photo.Name, await engine.Identity.EmbedFaceAsync(image, face, ct), pose.View));
            }
            catch (LikenessException e) { skipped.Add($"{photo.Name}: {e.Message}"); }
        }
        if (faces.Count == 0)
            throw new PermanentJobException($"None of the {photos.Count} accepted photo(s) of '{identityName}' has a usable face ({string.Join("; ", skipped)}): upload clear photos of the face.");

        var kept = SamePerson(faces, skipped, identityName, engine.Identity.Settings.Threshold);
        if (!kept.Any(f => f.View == FaceView.Front))
            throw new PermanentJobException($"No usable front photo of '{identityName}': the photos show {string.Join(", ", kept.Select(f => $"{f.Name} ({ViewsPipeline.Label(f.View)})"))}. " +
                                            "Add one looking straight into the camera, then run views again.");
        var analysis = new ViewsAnalysis(kept.Select(f => f.Id).ToList(), skipped);
        return new JobStepResult(JsonSerializer.SerializeToElement(analysis, Json.Options));
    }

    /// <summary>The shared <see cref="SamePersonSet"/> rule: two photos must agree; with three or more, outliers are left out as long as most agree.</summary>
    static List<(Guid Id, string Name, FaceEmbedding Embedding, FaceView View)> SamePerson(
        List<(Guid Id, string Name, FaceEmbedding Embedding, FaceView View)> faces, List<string> skipped, string identityName, float threshold)
    {
        var set = SamePersonSet.Of(faces.Select(f => f.Embedding).ToList(), threshold);
        if (set.PairDisagrees)
            throw new PermanentJobException($"The photos show different people: {faces[0].Name} and {faces[1].Name} do not match (similarity {set.Agreement[0]:0.00} < {threshold:0.00}). " +
                                            $"Delete the photo that is not '{identityName}' and run views again.");
        if (set.NoMajority)
            throw new PermanentJobException($"The photos show different people: only {faces.Count - set.Outliers.Count} of {faces.Count} match the others (threshold {threshold:0.00}). " +
                                            $"Keep only photos of '{identityName}' and run views again.");
        foreach (var i in set.Outliers) skipped.Add(set.Describe(i, faces[i].Name));
        return faces.Where((_, i) => !set.IsOutlier(i)).ToList();
    }

}

public sealed class IdentityViewsRenderStep(VisionEngine engine, IDbContextFactory<LikenessDb> dbFactory, IBlobStore blobs, BlobCollector collector,
    GatedJobGeneration generation, ILogger<IdentityViewsRenderStep> log) : IJobStepHandler
{
    public string Kind => IdentityViewsKind.Name;
    public string Name => "render";

    sealed record StoredView(string Angle, BlobRef Blob, int Width, int Height);

    public async Task<JobStepResult> ExecuteAsync(JobStepContext context, CancellationToken ct)
    {
        var input = IdentityViewsKind.Parse(context);
        var identity = await IdentityPhotoFiles.OwnedNameAsync(dbFactory, context, input.IdentityId, ct);
        var analysis = context.PreviousOutputs.TryGetValue("analyse", out var a) ? a.Deserialize<ViewsAnalysis>(Json.Options)! : throw new PermanentJobException("The analyse step left no output; retry the job.");
        return await IdentityViewsKind.TrackStatusAsync(dbFactory, input.IdentityId, () => RenderAsync(context, input, identity, analysis, ct), ct);
    }

    async Task<JobStepResult> RenderAsync(JobStepContext context, IdentityViewsInput input, string identityName, ViewsAnalysis analysis, CancellationToken ct)
    {
        var photos = await IdentityPhotoFiles.LoadAsync(dbFactory, blobs, input.IdentityId, analysis.PhotoIds, ct);
        if (photos.Count == 0) throw new PermanentJobException($"The analysed photos of '{identityName}' were deleted meanwhile; run views again.");
        var progress = new Progress<PipelineProgress>(p => context.Progress.Report(p.Fraction * 0.95));
        ViewGeneration? viewGeneration = null;
        var started = DateTime.UtcNow;
        if (input.GenerateMode != GenerateViews.None)
        {
            var (generator, gate, generationContext) = await generation.ForStepAsync(context, input.Attempts, ct);
            viewGeneration = new ViewGeneration(generator, gate, generationContext, input.GenerateMode, input.Route);
        }
        var outcome = await new ViewsPipeline(engine).RunAsync(photos.Select(p => p.Photo).ToList(), input.Matting ?? MattingModels.Quality, progress, ct, viewGeneration);
        if (!outcome.Images.ContainsKey(FaceView.Front))
            throw new PermanentJobException($"No front view of '{identityName}' could be made ({string.Join("; ", outcome.Skipped)}): add a clear photo looking straight into the camera.");

        var template = await TemplateAsync(photos.Select(p => p.Photo).ToList(), ct);
        var stored = new List<StoredView>();
        var images = outcome.Images.Select(p => (Angle: ViewsPipeline.Label(p.Key), Image: p.Value)).Append((IdentityViewNames.Sheet, outcome.Sheet));
        foreach (var (angle, image) in images)
        {
            var png = ImageCodec.Encode(image, ImageFormat.Png, new EncodeOptions { FastPngCompression = true });
            stored.Add(new StoredView(angle, await blobs.PutAsync(new MemoryStream(png), ct), image.Width, image.Height));
        }
        var newShas = stored.Select(s => s.Blob.Sha256).ToHashSet();
        List<string> oldShas;
        try { oldShas = await SaveAsync(input.IdentityId, TemplateBytes(template.Vector), stored); }
        catch
        {
            await using var cleanup = await dbFactory.CreateDbContextAsync(CancellationToken.None);
            await collector.DeleteUnreferencedAsync(cleanup, newShas, CancellationToken.None);
            throw;
        }
        await using (var db = await dbFactory.CreateDbContextAsync(CancellationToken.None))
            await collector.DeleteUnreferencedAsync(db, oldShas.Where(s => !newShas.Contains(s)), CancellationToken.None);
        log.LogInformation("Views job {Job}: {Count} view(s) stored, template {Model} ({Dimension}-d)", context.JobId, outcome.Images.Count, template.ModelName, template.Dimension);

        var report = new
        {
            views = outcome.Views.Select(v => new
            {
                angle = ViewsPipeline.Label(v.View), subjectSide = v.SubjectSide, sourcePhoto = v.SourcePhoto, yaw = v.Yaw, faceHeightFraction = v.FaceHeightFraction,
                generated = v.Generated, similarity = v.Similarity, missing = v.Missing, attempts = v.Attempts,
            }),
            skipped = analysis.Skipped.Concat(outcome.Skipped),
            template = new { model = template.ModelName, dimension = template.Dimension, photos = photos.Count },
        };
        return new JobStepResult(JsonSerializer.SerializeToElement(report, Json.Options), null,
            viewGeneration is null ? 0 : await generation.CostAsync(context.StepId, started, CancellationToken.None));
    }

    /// <summary>The identity template: the normalised mean of the dominant face's embedding in each analysed photo.</summary>
    async Task<FaceEmbedding> TemplateAsync(List<EncodedImage> photos, CancellationToken ct)
    {
        var embeddings = new List<FaceEmbedding>();
        foreach (var photo in photos)
        {
            var image = photo.Decode();
            if (await engine.DominantFaceAsync(image, ct) is { } face) embeddings.Add(await engine.Identity.EmbedFaceAsync(image, face, ct));
        }
        if (embeddings.Count == 0) throw new PermanentJobException("No face was found in the analysed photos any more; run views again.");
        return IdentityTemplate.FromEmbeddings(embeddings).Embedding;
    }

    /// <summary>The stored template: the unit-length vector as little-endian float32.</summary>
    internal static byte[] TemplateBytes(float[] vector)
    {
        var bytes = new byte[vector.Length * 4];
        for (var i = 0; i < vector.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), vector[i]);
        return bytes;
    }

    /// <summary>Replaces the views and writes template and status in one transaction; returns the blobs of the replaced views.</summary>
    async Task<List<string>> SaveAsync(Guid identityId, byte[] template, List<StoredView> stored)
    {
        await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
        await using var tx = await db.Database.BeginTransactionAsync(CancellationToken.None);
        var identity = await db.Identities.Include(i => i.Views).SingleOrDefaultAsync(i => i.Id == identityId, CancellationToken.None)
            ?? throw new PermanentJobException("The identity was deleted while its views were made; nothing was kept.");
        var old = identity.Views.Select(v => v.BlobSha256).ToList();
        db.IdentityViews.RemoveRange(identity.Views);
        var now = DateTime.UtcNow;
        foreach (var s in stored)
            db.IdentityViews.Add(new IdentityView { Id = Guid.NewGuid(), IdentityId = identityId, Angle = s.Angle, BlobSha256 = s.Blob.Sha256, MediaType = "image/png", Width = s.Width, Height = s.Height, CreatedAt = now });
        identity.EmbeddingTemplate = template;
        (identity.Status, identity.StatusReason, identity.UpdatedAt) = (IdentityStatus.Ready, null, now);
        await db.SaveChangesAsync(CancellationToken.None);
        await tx.CommitAsync(CancellationToken.None);
        return old;
    }
}

/// <summary>An identity's accepted photos as engine inputs.</summary>
static class IdentityPhotoFiles
{
    public static async Task<string> OwnedNameAsync(IDbContextFactory<LikenessDb> dbFactory, JobStepContext context, Guid identityId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Identities.Where(i => i.Id == identityId && i.OwnerId == context.Owner.UserId).Select(i => i.Name).SingleOrDefaultAsync(ct)
            ?? throw new PermanentJobException($"Identity {identityId} no longer exists.");
    }

    public static async Task<List<(Guid Id, EncodedImage Photo)>> LoadAsync(IDbContextFactory<LikenessDb> dbFactory, IBlobStore blobs, Guid identityId,
        IReadOnlyList<Guid>? only, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.IdentityPhotos.AsNoTracking().Where(p => p.IdentityId == identityId && p.CheckPassed)
            .OrderBy(p => p.CreatedAt).ThenBy(p => p.FileName).ToListAsync(ct);
        var result = new List<(Guid, EncodedImage)>();
        foreach (var row in rows.Where(r => only is null || only.Contains(r.Id)))
        {
            await using var stream = await blobs.OpenReadAsync(row.BlobSha256, ct)
                ?? throw new PermanentJobException($"The stored bytes of photo {row.FileName} are missing; delete the photo and upload it again.");
            using var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer, ct);
            result.Add((row.Id, new EncodedImage(row.FileName, buffer.ToArray())));
        }
        return result;
    }
}
