using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Likeness.Server.Data.Migrations;

/// <summary>
/// GenerationLogs becomes the provider cost ledger (user, operation, outcome, unit, duration, failure, reason,
/// request id, HTTP attempts; job and step optional). Nothing wrote the old table, so it is dropped and created
/// again: SQLite cannot alter a column's nullability in place, and one provider-neutral script serves both databases.
/// </summary>
[DbContext(typeof(LikenessDb))]
[Migration("20261122000002_ProviderLedger")]
public sealed class ProviderLedger : Migration
{
    protected override void Up(MigrationBuilder m)
    {
        m.DropTable("GenerationLogs");
        m.CreateTable("GenerationLogs", t => new
        {
            Id = t.Column<Guid>(nullable: false),
            UserId = t.Column<string>(nullable: false),
            JobId = t.Column<Guid>(nullable: true),
            StepId = t.Column<Guid>(nullable: true),
            Provider = t.Column<string>(nullable: false),
            Model = t.Column<string>(nullable: false),
            Operation = t.Column<string>(maxLength: 24, nullable: false),
            Outcome = t.Column<string>(maxLength: 16, nullable: false),
            Units = t.Column<double>(nullable: false),
            Unit = t.Column<string>(maxLength: 16, nullable: false),
            EstimatedUsd = t.Column<decimal>(precision: 18, scale: 6, nullable: false),
            DurationMs = t.Column<long>(nullable: false),
            Failure = t.Column<string>(maxLength: 24, nullable: true),
            Reason = t.Column<string>(nullable: true),
            RequestId = t.Column<string>(nullable: true),
            HttpAttempts = t.Column<int>(nullable: false),
            CreatedAt = t.Column<DateTime>(nullable: false),
        }, constraints: t => t.PrimaryKey("PK_GenerationLogs", x => x.Id));
        m.CreateIndex("IX_GenerationLogs_JobId", "GenerationLogs", "JobId");
        m.CreateIndex("IX_GenerationLogs_UserId_CreatedAt", "GenerationLogs", ["UserId", "CreatedAt"]);
    }

    protected override void Down(MigrationBuilder m)
    {
        m.DropTable("GenerationLogs");
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
        m.CreateIndex("IX_GenerationLogs_JobId", "GenerationLogs", "JobId");
    }
}
