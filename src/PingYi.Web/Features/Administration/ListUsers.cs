using Microsoft.EntityFrameworkCore;

namespace PingYi.Web.Features.Administration;

public static partial class ManageUsers
{
    public sealed partial class Handler
    {
        public async Task<IReadOnlyList<UserItem>> ListAsync(string? unitCode, CancellationToken ct)
        {
            var accounts = db.Users.AsNoTracking();
            if (!string.IsNullOrWhiteSpace(unitCode))
            {
                var code = unitCode.Trim().ToLowerInvariant();
                accounts = accounts.Where(u => db.Units.Any(x => x.Id == u.UnitId && x.Code == code));
            }
            var list = await accounts.ToListAsync(ct);
            var roles = await (from ur in db.UserRoles join r in db.Roles on ur.RoleId equals r.Id select new { ur.UserId, r.Name }).ToListAsync(ct);
            var byUser = roles.ToLookup(r => r.UserId, r => r.Name!);
            var units = await db.Units.AsNoTracking().ToDictionaryAsync(u => u.Id, u => (u.Code, u.Name), ct);
            var now = time.GetUtcNow();
            return list.OrderBy(u => u.Email, StringComparer.Ordinal)
                .Select(u => ToItem(u, byUser[u.Id].ToList(), units, now))
                .ToList();
        }

        public async Task<UserItem?> GetAsync(string id, CancellationToken ct) =>
            (await ListAsync(null, ct)).FirstOrDefault(u => u.Id == id);
    }

    /// <summary>GET the staff accounts, optionally of one unit.</summary>
    private static void MapList(RouteGroupBuilder admin) =>
        admin.MapGet("/users", async (string? unit, Handler handler, CancellationToken ct) => Results.Ok(await handler.ListAsync(unit, ct)))
            .RequireAuthorization(AdminPolicies.Accounts)
            .WithName("AdminListUsers")
            .WithSummary("工作人员账号列表（可按 unit 单位代码筛选）")
            .Produces<IReadOnlyList<UserItem>>();
}
