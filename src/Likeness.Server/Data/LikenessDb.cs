using Likeness.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Likeness.Server.Data;

public sealed class LikenessDb(DbContextOptions<LikenessDb> options) : DbContext(options)
{
    public DbSet<User> Users => Set<User>();
    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();
    public DbSet<Identity> Identities => Set<Identity>();
    public DbSet<IdentityPhoto> IdentityPhotos => Set<IdentityPhoto>();
    public DbSet<IdentityView> IdentityViews => Set<IdentityView>();
    public DbSet<IdentityLora> IdentityLoras => Set<IdentityLora>();
    public DbSet<Asset> Assets => Set<Asset>();
    public DbSet<Scene> Scenes => Set<Scene>();
    public DbSet<Job> Jobs => Set<Job>();
    public DbSet<JobStep> JobSteps => Set<JobStep>();
    public DbSet<JobStepAttempt> JobStepAttempts => Set<JobStepAttempt>();
    public DbSet<JobEvent> JobEvents => Set<JobEvent>();
    public DbSet<WebhookDelivery> WebhookDeliveries => Set<WebhookDelivery>();
    public DbSet<GenerationLog> GenerationLogs => Set<GenerationLog>();

    protected override void ConfigureConventions(ModelConfigurationBuilder conventions)
    {
        // SQLite hands DateTime back without a kind; everything stored is UTC.
        conventions.Properties<DateTime>().HaveConversion<UtcConverter>();
        conventions.Properties<DateTime?>().HaveConversion<UtcConverter>();
        conventions.Properties<JobStatus>().HaveConversion<string>().HaveMaxLength(16);
        conventions.Properties<IdentityStatus>().HaveConversion<string>().HaveMaxLength(16);
        conventions.Properties<LoraStatus>().HaveConversion<string>().HaveMaxLength(16);
        conventions.Properties<AssetType>().HaveConversion<string>().HaveMaxLength(24);
        conventions.Properties<CompositeMode>().HaveConversion<string>().HaveMaxLength(16);
        conventions.Properties<DeliveryStatus>().HaveConversion<string>().HaveMaxLength(16);
        conventions.Properties<Likeness.Providers.GenerationOperation>().HaveConversion<string>().HaveMaxLength(24);
        conventions.Properties<Likeness.Providers.Costs.CostOutcome>().HaveConversion<string>().HaveMaxLength(16);
        conventions.Properties<Likeness.Providers.Costs.PriceUnit>().HaveConversion<string>().HaveMaxLength(16);
        conventions.Properties<Likeness.Providers.FailureKind>().HaveConversion<string>().HaveMaxLength(24);
        conventions.Properties<decimal>().HavePrecision(18, 6);
    }

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<User>().HasIndex(u => u.Name).IsUnique();
        model.Entity<ApiToken>().HasIndex(t => t.TokenHash).IsUnique();
        model.Entity<User>().HasMany(u => u.Tokens).WithOne().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);

        model.Entity<Identity>().HasIndex(i => i.OwnerId);
        model.Entity<Identity>().HasMany(i => i.Photos).WithOne().HasForeignKey(p => p.IdentityId).OnDelete(DeleteBehavior.Cascade);
        model.Entity<Identity>().HasMany(i => i.Views).WithOne().HasForeignKey(v => v.IdentityId).OnDelete(DeleteBehavior.Cascade);
        model.Entity<IdentityPhoto>().HasIndex(p => p.BlobSha256);
        model.Entity<IdentityView>().HasIndex(v => v.BlobSha256);
        model.Entity<IdentityLora>().HasIndex(l => new { l.IdentityId, l.Version }).IsUnique();
        model.Entity<IdentityLora>().HasOne<Identity>().WithMany().HasForeignKey(l => l.IdentityId).OnDelete(DeleteBehavior.Cascade);
        model.Entity<IdentityLora>().Property(l => l.EstimatedUsd).HasPrecision(18, 6);

        model.Entity<Asset>().HasIndex(a => new { a.OwnerId, a.Folder });
        model.Entity<Asset>().HasIndex(a => a.BlobSha256);
        model.Entity<Asset>().HasIndex(a => a.IdentityId);

        model.Entity<Scene>().HasIndex(s => s.OwnerId);

        model.Entity<Job>().HasIndex(j => new { j.OwnerId, j.CreatedAt });
        model.Entity<Job>().HasIndex(j => j.Status);
        model.Entity<Job>().HasIndex(j => j.ParentJobId);
        model.Entity<Job>().Property(j => j.LeaseOwner).HasMaxLength(200);
        model.Entity<Job>().HasIndex(j => new { j.OwnerId, j.IdempotencyKey }).IsUnique();
        model.Entity<Job>().HasMany(j => j.Steps).WithOne().HasForeignKey(s => s.JobId).OnDelete(DeleteBehavior.Cascade);
        model.Entity<JobStep>().HasIndex(s => new { s.JobId, s.Index }).IsUnique();
        model.Entity<JobStepAttempt>().HasIndex(a => a.StepId);
        model.Entity<JobEvent>().HasIndex(e => new { e.JobId, e.Id });
        model.Entity<WebhookDelivery>().HasIndex(d => new { d.Status, d.NextAttemptAt });
        model.Entity<GenerationLog>().HasIndex(g => g.JobId);
        model.Entity<GenerationLog>().HasIndex(g => new { g.UserId, g.CreatedAt });
    }

    sealed class UtcConverter() : ValueConverter<DateTime, DateTime>(
        v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(),
        v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
}
