using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Domain.Common;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Complaints.Handling;

/// <summary>
/// Saved views of the complaint list (issue 24 §3): each account names its own filters and sort and opens them as a link
/// (<c>/staff/complaints?…</c>). Kept as the list's query string, only its known parameters; the list validates them
/// when the view is opened, as for any link. The list page and <c>/api/v1/saved-views</c> call <see cref="Handler"/>.
/// </summary>
public static class SavedViews
{
    public const int NameMaxLength = 30;

    /// <summary>The longest value of one filter.</summary>
    public const int MaxFilterLength = 100;
    public const int MaxPerAccount = 20;

    /// <summary>The list's parameters a view keeps, in the order it writes them.</summary>
    public static readonly IReadOnlyList<string> Parameters = ["status", "unit", "category", "overdue", "from", "to", "q", "sort", "dir"];

    public sealed record Request(string? Name, Dictionary<string, string?>? Filters);

    /// <param name="Link">The list with the view's filters: <c>/staff/complaints?…</c>.</param>
    public sealed record Item(int Id, string Name, IReadOnlyDictionary<string, string> Filters, string Link);

    public sealed class Handler(PingYiDbContext db, TimeProvider time)
    {
        public async Task<Result<IReadOnlyList<Item>>> ListAsync(ClaimsPrincipal user, CancellationToken ct)
        {
            if (user.WorkflowRole() is null || user.UserId() is not { } id)
            {
                return NoList();
            }
            var rows = await db.SavedListViews.AsNoTracking().Where(v => v.UserId == id).OrderBy(v => v.Name).ThenBy(v => v.Id).ToListAsync(ct);
            return rows.Select(ToItem).ToList();
        }

        public async Task<Result<Item>> CreateAsync(ClaimsPrincipal user, Request request, CancellationToken ct)
        {
            if (user.WorkflowRole() is null || user.UserId() is not { } id)
            {
                return NoList();
            }
            var errors = new ValidationErrors();
            var name = Text.Clean(request.Name, multiline: false);
            if (name is null)
            {
                errors.Add("name", "请给视图起个名称。");
            }
            else if (Text.CharacterCount(name) > NameMaxLength)
            {
                errors.Add("name", $"名称不能超过 {NameMaxLength} 个字。");
            }
            var filters = request.Filters ?? [];
            var unknown = filters.Keys.Where(k => !Parameters.Contains(k)).ToList();
            if (unknown.Count > 0)
            {
                errors.Add("filters", $"不认识的筛选条件：{string.Join("、", unknown)}。可用：{string.Join("、", Parameters)}。");
            }
            if (filters.Values.Any(v => v is { Length: > MaxFilterLength }))
            {
                errors.Add("filters", $"筛选条件过长（每项不超过 {MaxFilterLength} 个字）。");
            }
            if (!errors.IsEmpty)
            {
                return RequestFailure.Invalid(errors);
            }
            var mine = await db.SavedListViews.Where(v => v.UserId == id).Select(v => v.Name).ToListAsync(ct);
            if (mine.Contains(name!))
            {
                return RequestFailure.Conflict("名称重复", "name", $"已有名为“{name}”的视图，请换一个名称或先删除原视图。");
            }
            if (mine.Count >= MaxPerAccount)
            {
                return RequestFailure.Conflict("视图已满", "name", $"每个账号最多保存 {MaxPerAccount} 个视图，请先删除不用的。");
            }
            var view = new SavedListView(id, name!, QueryOf(filters), time.GetUtcNow().UtcDateTime);
            db.SavedListViews.Add(view);
            await db.SaveChangesAsync(ct);
            return ToItem(view);
        }

        /// <summary>Deletes one of the user's own views; another account's is 404.</summary>
        public async Task<Result<int>> DeleteAsync(ClaimsPrincipal user, int viewId, CancellationToken ct)
        {
            var id = user.UserId();
            var view = id is null ? null : await db.SavedListViews.FirstOrDefaultAsync(v => v.Id == viewId && v.UserId == id, ct);
            if (view is null)
            {
                return RequestFailure.Field(FailureKind.NotFound, "未找到", "id", "未找到该视图。");
            }
            db.SavedListViews.Remove(view);
            await db.SaveChangesAsync(ct);
            return viewId;
        }

        private static RequestFailure NoList() => RequestFailure.Forbidden("无权操作", "user", "您的账号没有反映列表，不能保存视图。");
    }

    /// <summary>The known, non-blank parameters as a query string in a fixed order (empty for none).</summary>
    public static string QueryOf(IReadOnlyDictionary<string, string?> filters)
    {
        var pairs = Parameters.Where(p => filters.TryGetValue(p, out var v) && !string.IsNullOrWhiteSpace(v))
            .Select(p => new KeyValuePair<string, string?>(p, filters[p]!.Trim()));
        return QueryString.Create(pairs).ToUriComponent();
    }

    private static Item ToItem(SavedListView v)
    {
        var parsed = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(v.Query);
        return new Item(v.Id, v.Name, Parameters.Where(parsed.ContainsKey).ToDictionary(p => p, p => parsed[p].ToString(), StringComparer.Ordinal), "/staff/complaints" + v.Query);
    }

    public static void Map(RouteGroupBuilder api)
    {
        var group = api.MapGroup("/saved-views").RequireAuthorization();
        group.MapGet("", async (HttpContext http, Handler handler, CancellationToken ct) =>
            {
                http.Response.Headers.CacheControl = SecurityHeaders.NoStore;
                return (await handler.ListAsync(http.User, ct)).ToOk();
            })
            .WithName("ListSavedViews")
            .WithSummary("我保存的反映列表视图")
            .WithDescription("The signed-in account's own views, by name: filters (status, unit, category, overdue, from, to, q, sort, dir) and link, the list page with them. 403 for roles without a complaint list.")
            .Produces<IReadOnlyList<Item>>()
            .ProducesProblem(StatusCodes.Status403Forbidden);
        group.MapPost("", async (HttpContext http, Handler handler, CancellationToken ct) =>
                await ResultHttp.JsonCommandAsync<Request, Item>(http, body => handler.CreateAsync(http.User, body, ct), r => r.ToCreated(i => $"/api/v1/saved-views/{i.Id}"), ct))
            .WithName("CreateSavedView")
            .WithSummary("保存反映列表视图")
            .WithDescription("{ \"name\" (1–30), \"filters\": { \"status\": \"assigned\", \"overdue\": \"true\", … } }: the list's parameters as its query string takes them; another key is 400. At most 20 per account; a name already used is 409.")
            .Accepts<Request>("application/json")
            .Produces<Item>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblems(StatusCodes.Status403Forbidden, StatusCodes.Status409Conflict);
        group.MapDelete("/{id:int}", async (int id, HttpContext http, Handler handler, CancellationToken ct) =>
                (await handler.DeleteAsync(http.User, id, ct)).ToHttp(_ => Results.NoContent()))
            .WithName("DeleteSavedView")
            .WithSummary("删除反映列表视图（仅本人的）")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound);
    }
}
