using Microsoft.EntityFrameworkCore;
using PingYi.Data;

namespace PingYi.Web.Features.Evaluation;

/// <summary>Which round a staff page shows: the one asked for, else the latest one in the database (open or not).</summary>
internal static class StaffRounds
{
    public static async Task<int?> PickAsync(PingYiDbContext db, int? year, CancellationToken ct) =>
        year ?? await db.EvaluationRounds.AsNoTracking().OrderByDescending(r => r.Year).Select(r => (int?)r.Year).FirstOrDefaultAsync(ct);
}
