using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Domain.Units;

namespace PingYi.Web.Features.Units;

/// <summary>The units a complaint can be about, for the intake form, the public unit page and the API.</summary>
public static class ListUnits
{
    /// <summary>The one order of every unit list and picker (intake, /units, staff filters, admin, evaluation):
    /// by category, then by code.</summary>
    public static IOrderedQueryable<Unit> InListOrder(this IQueryable<Unit> units) =>
        units.OrderBy(u => u.Category).ThenBy(u => u.Code);

    public sealed record Item(string Code, string Name, UnitCategory Category, string Duties, string SupervisionPhone);

    public sealed record ApiItem(string Code, string Name, string Category);

    public sealed class Handler(PingYiDbContext db)
    {
        /// <param name="search">Matches the name or the code; null or blank lists every unit.</param>
        /// <param name="includeRetired">A retired unit takes no new complaints, so intake, assignment and the public list
        /// do not offer it; a filter over old cases still needs it.</param>
        public async Task<IReadOnlyList<Item>> HandleAsync(string? search, CancellationToken ct, bool includeRetired = false)
        {
            var query = db.Units.AsNoTracking().Where(u => includeRetired || u.Active);
            var s = search?.Trim();
            if (!string.IsNullOrEmpty(s))
            {
                var lower = s.ToLowerInvariant();
                query = query.Where(u => u.Name.Contains(s) || u.Code.Contains(lower));
            }
            var units = await query
                .Select(u => new Item(u.Code, u.Name, u.Category, u.Duties, u.SupervisionPhone))
                .ToListAsync(ct);
            return units.OrderBy(u => u.Category).ThenBy(u => u.Code, StringComparer.Ordinal).ToList();
        }
    }

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/units", async (Handler handler, CancellationToken ct) =>
                (await handler.HandleAsync(null, ct)).Select(u => new ApiItem(u.Code, u.Name, UnitCategories.Codes.CodeOf(u.Category))))
            .WithName("ListUnits")
            .WithSummary("参评单位列表")
            .Produces<IEnumerable<ApiItem>>();
    }
}
