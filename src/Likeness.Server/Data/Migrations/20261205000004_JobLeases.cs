using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Likeness.Server.Data.Migrations;

/// <summary>JobLeases: which worker process runs a job and until when, so several workers can share one PostgreSQL queue.</summary>
[DbContext(typeof(LikenessDb))]
[Migration("20261205000004_JobLeases")]
public sealed class JobLeases : Migration
{
    protected override void Up(MigrationBuilder m)
    {
        m.AddColumn<string>("LeaseOwner", "Jobs", maxLength: 200, nullable: true);
        m.AddColumn<DateTime>("LeaseExpiresAt", "Jobs", nullable: true);
    }

    protected override void Down(MigrationBuilder m)
    {
        m.DropColumn("LeaseExpiresAt", "Jobs");
        m.DropColumn("LeaseOwner", "Jobs");
    }
}
