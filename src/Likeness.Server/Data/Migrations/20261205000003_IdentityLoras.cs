using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Likeness.Server.Data.Migrations;

/// <summary>IdentityLoras: one row per trained LoRA version of an identity, with its status, weights asset and panel results.</summary>
[DbContext(typeof(LikenessDb))]
[Migration("20261205000003_IdentityLoras")]
public sealed class IdentityLoras : Migration
{
    protected override void Up(MigrationBuilder m)
    {
        m.CreateTable("IdentityLoras", t => new
        {
            Id = t.Column<Guid>(nullable: false),
            IdentityId = t.Column<Guid>(nullable: false),
            Version = t.Column<int>(nullable: false),
            Status = t.Column<string>(maxLength: 16, nullable: false),
            StatusReason = t.Column<string>(nullable: true),
            TriggerWord = t.Column<string>(nullable: false),
            Steps = t.Column<int>(nullable: false),
            Photos = t.Column<int>(nullable: false),
            Provider = t.Column<string>(nullable: true),
            Model = t.Column<string>(nullable: true),
            SourceUrl = t.Column<string>(nullable: true),
            AssetId = t.Column<Guid>(nullable: true),
            SizeBytes = t.Column<long>(nullable: true),
            EstimatedUsd = t.Column<decimal>(precision: 18, scale: 6, nullable: false),
            JobId = t.Column<Guid>(nullable: true),
            PanelJson = t.Column<string>(nullable: true),
            CreatedAt = t.Column<DateTime>(nullable: false),
            UpdatedAt = t.Column<DateTime>(nullable: false),
        }, constraints: t =>
        {
            t.PrimaryKey("PK_IdentityLoras", x => x.Id);
            t.ForeignKey("FK_IdentityLoras_Identities_IdentityId", x => x.IdentityId, "Identities", "Id", onDelete: ReferentialAction.Cascade);
        });
        m.CreateIndex("IX_IdentityLoras_IdentityId_Version", "IdentityLoras", ["IdentityId", "Version"], unique: true);
    }

    protected override void Down(MigrationBuilder m) => m.DropTable("IdentityLoras");
}
