using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Data.Identity;
using PingYi.Domain.Evaluation;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Evaluation;

/// <summary>
/// Demo mode for the evaluation area: one Evaluator account per rated source, the inspector, the 2020 round
/// open, and some units resident in the service hall. Called from <see cref="DemoData"/>.
/// </summary>
public static class EvaluationDemoData
{
    public const int DemoYear = 2020;

    /// <summary>Demo units resident in the provincial service hall (省政务大厅).</summary>
    public static readonly IReadOnlyList<string> ServiceHallUnits = ["gat", "mzt", "rst", "zrt", "scj", "swj"];

    public static readonly IReadOnlyList<(string Email, string Name, string Source)> Evaluators =
    [
        ("deputies@pingyi.local", "人大代表、政协委员评议 录入员", EvaluationCodes.Deputies),
        ("prefectures@pingyi.local", "市（州）直单位评议 录入员", EvaluationCodes.Prefectures),
        ("liaison@pingyi.local", "第一党建联系片 负责部门", EvaluationCodes.Liaison),
    ];

    public static async Task SeedAsync(IServiceProvider services, PingYiDbContext db, string password)
    {
        var users = services.GetRequiredService<UserManager<StaffUser>>();
        foreach (var (email, name, source) in Evaluators)
        {
            await StaffAccounts.EnsureUserAsync(users, email, name, null, password, StaffRoles.Evaluator);
            var user = await users.FindByEmailAsync(email);
            if (user is not null && user.EvaluationSource is null)
            {
                user.EvaluationSource = source;
                await users.UpdateAsync(user);
            }
        }
        await StaffAccounts.EnsureUserAsync(users, "inspector@pingyi.local", "义务监督员", null, password, StaffRoles.Inspector);

        // Unit.ServiceHall has no setter outside the admin pages being built; a set-based update keeps this additive.
        await db.Units.Where(u => ServiceHallUnits.Contains(u.Code) && !u.ServiceHall)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.ServiceHall, true));

        var runtime = services.GetRequiredService<EvaluationRuntime>();
        if (runtime.Find(DemoYear) is not null && !await db.EvaluationRounds.AnyAsync(r => r.Year == DemoYear))
        {
            db.EvaluationRounds.Add(new EvaluationRound(DemoYear, services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime));
            await db.SaveChangesAsync();
        }
    }
}
