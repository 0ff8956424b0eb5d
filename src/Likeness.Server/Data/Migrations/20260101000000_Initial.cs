using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

namespace Likeness.Server.Data.Migrations;

/// <summary>
/// Written by hand once for both providers: no column store types are named, so SQLite and
/// PostgreSQL each map the CLR types themselves; identity columns carry both providers'
/// annotations (each ignores the other's). A test checks this schema matches the model.
/// </summary>
[DbContext(typeof(LikenessDb))]
[Migration("20260101000000_Initial")]
public sealed class Initial : Migration
{
    protected override void Up(MigrationBuilder m)
    {
        m.CreateTable("Users", t => new
        {
            Id = t.Column<Guid>(nullable: false),
            Name = t.Column<string>(nullable: false),
            CreatedAt = t.Column<DateTime>(nullable: false),
        }, constraints: t => t.PrimaryKey("PK_Users", x => x.Id));

        m.CreateTable("ApiTokens", t => new
        {
            Id = t.Column<Guid>(nullable: false),
            UserId = t.Column<Guid>(nullable: false),
            Name = t.Column<string>(nullable: false),
            TokenHash = t.Column<string>(nullable: false),
            CreatedAt = t.Column<DateTime>(nullable: false),
        }, constraints: t =>
        {
            t.PrimaryKey("PK_ApiTokens", x => x.Id);
            t.ForeignKey("FK_ApiTokens_Users_UserId", x => x.UserId, "Users", "Id", onDelete: ReferentialAction.Cascade);
        });

        m.CreateTable("Identities", t => new
        {
            Id = t.Column<Guid>(nullable: false),
            OwnerId = t.Column<Guid>(nullable: false),
            Name = t.Column<string>(nullable: false),
            Gender = t.Column<string>(nullable: true),
            HairColour = t.Column<string>(nullable: true),
            EyeColour = t.Column<string>(nullable: true),
            Build = t.Column<string>(nullable: true),
            AgeRange = t.Column<string>(nullable: true),
            Description = t.Column<string>(nullable: true),
            ConsentAttestedBy = t.Column<string>(nullable: false),
            ConsentAttestedAt = t.Column<DateTime>(nullable: false),
            ConsentStatement = t.Column<string>(nullable: false),
            Status = t.Column<string>(maxLength: 16, nullable: false),
            StatusReason = t.Column<string>(nullable: true),
            EmbeddingTemplate = t.Column<byte[]>(nullable: true),
            LoraProvider = t.Column<string>(nullable: true),
            LoraUrl = t.Column<string>(nullable: true),
            LoraTriggerWord = t.Column<string>(nullable: true),
            LoraScale = t.Column<double>(nullable: true),
            CreatedAt = t.Column<DateTime>(nullable: false),
            UpdatedAt = t.Column<DateTime>(nullable: false),
        }, constraints: t => t.PrimaryKey("PK_Identities", x => x.Id));

        m.CreateTable("IdentityPhotos", t => new
        {
            Id = t.Column<Guid>(nullable: false),
            IdentityId = t.Column<Guid>(nullable: false),
            FileName = t.Column<string>(nullable: false),
            BlobSha256 = t.Column<string>(nullable: false),
            MediaType = t.Column<string>(nullable: false),
            Size = t.Column<long>(nullable: false),
            Width = t.Column<int>(nullable: false),
            Height = t.Column<int>(nullable: false),
            CheckPassed = t.Column<bool>(nullable: false),
            CheckReasons = t.Column<string>(nullable: false),
            CreatedAt = t.Column<DateTime>(nullable: false),
        }, constraints: t =>
        {
            t.PrimaryKey("PK_IdentityPhotos", x => x.Id);
            t.ForeignKey("FK_IdentityPhotos_Identities_IdentityId", x => x.IdentityId, "Identities", "Id", onDelete: ReferentialAction.Cascade);
        });

        m.CreateTable("IdentityViews", t => new
        {
            Id = t.Column<Guid>(nullable: false),
            IdentityId = t.Column<Guid>(nullable: false),
            Angle = t.Column<string>(nullable: false),
            BlobSha256 = t.Column<string>(nullable: false),
            MediaType = t.Column<string>(nullable: false),
            Width = t.Column<int>(nullable: false),
            Height = t.Column<int>(nullable: false),
            CreatedAt = t.Column<DateTime>(nullable: false),
        }, constraints: t =>
        {
            t.PrimaryKey("PK_IdentityViews", x => x.Id);
            t.ForeignKey("FK_IdentityViews_Identities_IdentityId", x => x.IdentityId, "Identities", "Id", onDelete: ReferentialAction.Cascade);
        });

        m.CreateTable("Assets", t => new
        {
            Id = t.Column<Guid>(nullable: false),
            OwnerId = t.Column<Guid>(nullable: false),
            Type = t.Column<string>(maxLength: 24, nullable: false),
            Folder = t.Column<string>(nullable: false),
            Name = t.Column<string>(nullable: false),
            BlobSha256 = t.Column<string>(nullable: false),
            MediaType = t.Column<string>(nullable: false),
            Size = t.Column<long>(nullable: false),
            Width = t.Column<int>(nullable: true),
            Height = t.Column<int>(nullable: true),
            IdentityId = t.Column<Guid>(nullable: true),
            SourceJobId = t.Column<Guid>(nullable: true),
            CreatedAt = t.Column<DateTime>(nullable: false),
        }, constraints: t => t.PrimaryKey("PK_Assets", x => x.Id));

        m.CreateTable("Scenes", t => new
        {
            Id = t.Column<Guid>(nullable: false),
            OwnerId = t.Column<Guid>(nullable: false),
            Name = t.Column<string>(nullable: false),
            BackgroundAssetId = t.Column<Guid>(nullable: true),
            IdentityId = t.Column<Guid>(nullable: true),
            HeadshotAssetId = t.Column<Guid>(nullable: true),
            CompositeMode = t.Column<string>(maxLength: 16, nullable: false),
            MaskData = t.Column<string>(nullable: true),
            PersonX = t.Column<double>(nullable: false),
            PersonY = t.Column<double>(nullable: false),
            PersonScale = t.Column<double>(nullable: false),
            PersonRotation = t.Column<double>(nullable: false),
            Wardrobe = t.Column<string>(nullable: true),
            Pose = t.Column<string>(nullable: true),
            Prompt = t.Column<string>(nullable: true),
            ExportPreset = t.Column<string>(nullable: true),
            CreatedAt = t.Column<DateTime>(nullable: false),
            UpdatedAt = t.Column<DateTime>(nullable: false),
        }, constraints: t => t.PrimaryKey("PK_Scenes", x => x.Id));

        m.CreateTable("Jobs", t => new
        {
            Id = t.Column<Guid>(nullable: false),
            OwnerId = t.Column<Guid>(nullable: false),
            Kind = t.Column<string>(nullable: false),
            InputJson = t.Column<string>(nullable: false),
            Status = t.Column<string>(maxLength: 16, nullable: false),
            Progress = t.Column<double>(nullable: false),
            Error = t.Column<string>(nullable: true),
            ParentJobId = t.Column<Guid>(nullable: true),
            ItemIndex = t.Column<int>(nullable: true),
            ItemCount = t.Column<int>(nullable: false),
            IdempotencyKey = t.Column<string>(nullable: true),
            RequestHash = t.Column<string>(nullable: true),
            WebhookUrl = t.Column<string>(nullable: true),
            WebhookSecret = t.Column<string>(nullable: true),
            CancelRequested = t.Column<bool>(nullable: false),
            CreatedAt = t.Column<DateTime>(nullable: false),
            StartedAt = t.Column<DateTime>(nullable: true),
            FinishedAt = t.Column<DateTime>(nullable: true),
        }, constraints: t => t.PrimaryKey("PK_Jobs", x => x.Id));

        m.CreateTable("JobSteps", t => new
        {
            Id = t.Column<Guid>(nullable: false),
            JobId = t.Column<Guid>(nullable: false),
            Index = t.Column<int>(nullable: false),
            Name = t.Column<string>(nullable: false),
            Status = t.Column<string>(maxLength: 16, nullable: false),
            Attempts = t.Column<int>(nullable: false),
            MaxAttempts = t.Column<int>(nullable: false),
            Progress = t.Column<double>(nullable: false),
            OutputJson = t.Column<string>(nullable: true),
            OutputAssetIds = t.Column<string>(nullable: false),
            CostUsd = t.Column<decimal>(precision: 18, scale: 6, nullable: false),
            Error = t.Column<string>(nullable: true),
            StartedAt = t.Column<DateTime>(nullable: true),
            FinishedAt = t.Column<DateTime>(nullable: true),
            NextAttemptAt = t.Column<DateTime>(nullable: true),
        }, constraints: t =>
        {
            t.PrimaryKey("PK_JobSteps", x => x.Id);
            t.ForeignKey("FK_JobSteps_Jobs_JobId", x => x.JobId, "Jobs", "Id", onDelete: ReferentialAction.Cascade);
        });

        m.CreateTable("JobStepAttempts", t => new
        {
            Id = t.Column<Guid>(nullable: false),
            JobId = t.Column<Guid>(nullable: false),
            StepId = t.Column<Guid>(nullable: false),
            Attempt = t.Column<int>(nullable: false),
            Outcome = t.Column<string>(maxLength: 16, nullable: false),
            Error = t.Column<string>(nullable: true),
            StartedAt = t.Column<DateTime>(nullable: false),
            FinishedAt = t.Column<DateTime>(nullable: true),
        }, constraints: t => t.PrimaryKey("PK_JobStepAttempts", x => x.Id));

        m.CreateTable("JobEvents", t => new
        {
            Id = t.Column<long>(nullable: false)
                .Annotation("Sqlite:Autoincrement", true)
                .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
            JobId = t.Column<Guid>(nullable: false),
            Type = t.Column<string>(nullable: false),
            DataJson = t.Column<string>(nullable: false),
            CreatedAt = t.Column<DateTime>(nullable: false),
        }, constraints: t => t.PrimaryKey("PK_JobEvents", x => x.Id));

        m.CreateTable("WebhookDeliveries", t => new
        {
            Id = t.Column<Guid>(nullable: false),
            JobId = t.Column<Guid>(nullable: false),
            Url = t.Column<string>(nullable: false),
            PayloadJson = t.Column<string>(nullable: false),
            Status = t.Column<string>(maxLength: 16, nullable: false),
            Attempts = t.Column<int>(nullable: false),
            NextAttemptAt = t.Column<DateTime>(nullable: false),
            LastStatusCode = t.Column<int>(nullable: true),
            LastError = t.Column<string>(nullable: true),
            CreatedAt = t.Column<DateTime>(nullable: false),
            DeliveredAt = t.Column<DateTime>(nullable: true),
        }, constraints: t => t.PrimaryKey("PK_WebhookDeliveries", x => x.Id));

        m.CreateTable("GenerationLogs", t => new
        {
            Id = t.Column<Guid>(nullable: false),
            JobId = t.Column<Guid>(nullable: false),
            StepId = t.Column<Guid>(nullable: true),
            Provider = t.Column<string>(nullable: false),
            Model = t.Column<string>(nullable: false),
            Units = t.Column<double>(nullable: false),
            EstimatedUsd = t.Column<decimal>(precision: 18, scale: 6, nullable: false),
            CreatedAt = t.Column<DateTime>(nullable: false),
        }, constraints: t => t.PrimaryKey("PK_GenerationLogs", x => x.Id));

        m.CreateIndex("IX_Users_Name", "Users", "Name", unique: true);
        m.CreateIndex("IX_ApiTokens_TokenHash", "ApiTokens", "TokenHash", unique: true);
        m.CreateIndex("IX_ApiTokens_UserId", "ApiTokens", "UserId");
        m.CreateIndex("IX_Identities_OwnerId", "Identities", "OwnerId");
        m.CreateIndex("IX_IdentityPhotos_IdentityId", "IdentityPhotos", "IdentityId");
        m.CreateIndex("IX_IdentityPhotos_BlobSha256", "IdentityPhotos", "BlobSha256");
        m.CreateIndex("IX_IdentityViews_IdentityId", "IdentityViews", "IdentityId");
        m.CreateIndex("IX_IdentityViews_BlobSha256", "IdentityViews", "BlobSha256");
        m.CreateIndex("IX_Assets_OwnerId_Folder", "Assets", ["OwnerId", "Folder"]);
        m.CreateIndex("IX_Assets_BlobSha256", "Assets", "BlobSha256");
        m.CreateIndex("IX_Assets_IdentityId", "Assets", "IdentityId");
        m.CreateIndex("IX_Scenes_OwnerId", "Scenes", "OwnerId");
        m.CreateIndex("IX_Jobs_OwnerId_CreatedAt", "Jobs", ["OwnerId", "CreatedAt"]);
        m.CreateIndex("IX_Jobs_Status", "Jobs", "Status");
        m.CreateIndex("IX_Jobs_ParentJobId", "Jobs", "ParentJobId");
        m.CreateIndex("IX_Jobs_OwnerId_IdempotencyKey", "Jobs", ["OwnerId", "IdempotencyKey"], unique: true);
        m.CreateIndex("IX_JobSteps_JobId_Index", "JobSteps", ["JobId", "Index"], unique: true);
        m.CreateIndex("IX_JobStepAttempts_StepId", "JobStepAttempts", "StepId");
        m.CreateIndex("IX_JobEvents_JobId_Id", "JobEvents", ["JobId", "Id"]);
        m.CreateIndex("IX_WebhookDeliveries_Status_NextAttemptAt", "WebhookDeliveries", ["Status", "NextAttemptAt"]);
        m.CreateIndex("IX_GenerationLogs_JobId", "GenerationLogs", "JobId");
    }

    protected override void Down(MigrationBuilder m)
    {
        foreach (var table in new[] { "GenerationLogs", "WebhookDeliveries", "JobEvents", "JobStepAttempts", "JobSteps", "Jobs",
                     "Scenes", "Assets", "IdentityViews", "IdentityPhotos", "Identities", "ApiTokens", "Users" })
            m.DropTable(table);
    }
}
