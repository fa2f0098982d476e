using System.Net;
using System.Text.Json.Nodes;
using PingYi.Domain.Common;
using PingYi.Web.Tests.Infrastructure;
using static PingYi.Web.Tests.Infrastructure.StaffApi;

namespace PingYi.Web.Tests.Complaints.Handling;

/// <summary>
/// GET /api/v1/complaints: filters, keyset pagination and bad filters. Each test marks its complaints with a
/// token in the title and narrows with q, so the demo complaints and the other tests' complaints do not
/// matter. Some tests move the clock forward, so every date here is relative to the app's current time.
/// </summary>
public abstract class ListTests(AppFixture fixture)
{
    private static readonly string JytHandler = Handler("jyt");
    private static readonly string RstHandler = Handler("rst");

    private readonly StaffApi _api = StaffApi.For(fixture.App);

    [Fact]
    public async Task Status_unit_and_category_filters_narrow_the_list()
    {
        var token = Token("列表筛选");
        var (a, _) = await _api.LodgeAsync($"{token} 甲", "jyt", "formalism");
        var (b, _) = await _api.LodgeAsync($"{token} 乙", "rst", "bureaucratism");
        var (c, _) = await _api.LodgeAsync($"{token} 丙", "jyt", "eight-point-rules");
        var (d, _) = await _api.LodgeAsync($"{token} 丁", "zjt", "discipline");
        await _api.DoAsync(Supervisor, a, "assign", new { unitCode = "jyt" });
        await _api.DoAsync(Supervisor, b, "assign", new { unitCode = "rst" });
        await _api.DoAsync(Supervisor, d, "decline", new { reason = "不属于作风问题" });

        Assert.Equal([a, b, c, d], (await _api.ListNumbersAsync(Supervisor, $"?q={token}")).Order());
        Assert.Equal([a, b], (await _api.ListNumbersAsync(Supervisor, $"?q={token}&status=assigned")).Order());
        Assert.Equal([c], await _api.ListNumbersAsync(Supervisor, $"?q={token}&status=submitted"));
        Assert.Equal([d], await _api.ListNumbersAsync(Supervisor, $"?q={token}&status=declined"));
        Assert.Equal([a, c], (await _api.ListNumbersAsync(Supervisor, $"?q={token}&unit=jyt")).Order());
        Assert.Equal([a, c], (await _api.ListNumbersAsync(Supervisor, $"?q={token}&unit=JYT")).Order());
        Assert.Equal([c], await _api.ListNumbersAsync(Supervisor, $"?q={token}&category=eight-point-rules"));
        Assert.Equal([a], await _api.ListNumbersAsync(Supervisor, $"?q={token}&unit=jyt&status=assigned&category=formalism"));
        Assert.Empty(await _api.ListNumbersAsync(Supervisor, $"?q={token}&unit=rst&status=submitted"));

        var item = (await _api.ListAsync(Supervisor, $"?q={a}"))["items"]!.AsArray().Single()!;
        Assert.Equal("assigned", item["status"]!.GetValue<string>());
        Assert.Equal("办理中", item["statusLabel"]!.GetValue<string>());
        Assert.Equal("jyt", item["unit"]!["code"]!.GetValue<string>());
        Assert.Equal("省教育厅", item["unit"]!["name"]!.GetValue<string>());
        Assert.Equal("formalism", item["category"]!.GetValue<string>());
        Assert.Equal("形式主义", item["categoryLabel"]!.GetValue<string>());
        Assert.NotNull(item["dueAt"]);
        Assert.False(item["overdue"]!.GetValue<bool>());

        // A handler sees only their own unit's complaints, and only once assigned.
        Assert.Equal([a], await _api.ListNumbersAsync(JytHandler, $"?q={token}"));
        Assert.Equal([b], await _api.ListNumbersAsync(RstHandler, $"?q={token}"));
        Assert.Empty(await _api.ListNumbersAsync(JytHandler, $"?q={token}&unit=rst"));
        Assert.Empty(await _api.ListNumbersAsync(Handler("zjt"), $"?q={token}"));
    }

    [Fact]
    public async Task The_q_filter_finds_a_complaint_by_its_tracking_number_in_any_case_and_by_title_text()
    {
        var token = Token("列表搜索");
        var (a, _) = await _api.LodgeAsync($"{token} 窗口推诿");
        var (b, _) = await _api.LodgeAsync($"{token} 材料重复");

        Assert.Equal([a], await _api.ListNumbersAsync(Supervisor, $"?q={a}"));
        Assert.Equal([a], await _api.ListNumbersAsync(Supervisor, $"?q={a.ToLowerInvariant()}"));
        Assert.Equal([b], await _api.ListNumbersAsync(Supervisor, $"?q={Uri.EscapeDataString(token + " 材料重复")}"));
        Assert.Equal([b, a], await _api.ListNumbersAsync(Supervisor, $"?q={token}"));
        Assert.Empty(await _api.ListNumbersAsync(Supervisor, $"?q={Token("无此标题")}"));
    }

    [Fact]
    public async Task From_and_to_are_China_dates_inclusive()
    {
        var token = Token("列表日期");
        var (early, _) = await _api.LodgeAsync($"{token} 早");
        var earlyDay = ChinaTime.Today(fixture.App.Time);
        fixture.App.Time.Advance(TimeSpan.FromDays(1));
        var (late, _) = await _api.LodgeAsync($"{token} 晚");
        var lateDay = ChinaTime.Today(fixture.App.Time);

        Assert.Equal([late], await _api.ListNumbersAsync(Supervisor, $"?q={token}&from={lateDay:yyyy-MM-dd}"));
        Assert.Equal([early], await _api.ListNumbersAsync(Supervisor, $"?q={token}&to={earlyDay:yyyy-MM-dd}"));
        Assert.Equal([late, early], await _api.ListNumbersAsync(Supervisor, $"?q={token}&from={earlyDay:yyyy-MM-dd}&to={lateDay:yyyy-MM-dd}"));
        Assert.Empty(await _api.ListNumbersAsync(Supervisor, $"?q={token}&from={lateDay.AddDays(1):yyyy-MM-dd}"));
        Assert.Empty(await _api.ListNumbersAsync(Supervisor, $"?q={token}&to={earlyDay.AddDays(-1):yyyy-MM-dd}"));
    }

    [Fact]
    public async Task From_and_to_cut_at_midnight_China_time_not_UTC()
    {
        var token = Token("列表时区");
        var now = fixture.App.Time.GetUtcNow();
        // 23:30 China time: still the same China day, already the next UTC day would be wrong the other way round.
        var chinaDay = ChinaTime.DateOf(now.UtcDateTime);
        var lateEvening = new DateTimeOffset(chinaDay.ToDateTime(new TimeOnly(23, 30)), ChinaTime.Offset);
        if (lateEvening <= now)
        {
            chinaDay = chinaDay.AddDays(1);
            lateEvening = lateEvening.AddDays(1);
        }
        fixture.App.Time.SetUtcNow(lateEvening);
        var (evening, _) = await _api.LodgeAsync($"{token} 晚间");
        fixture.App.Time.Advance(TimeSpan.FromHours(1)); // 00:30 the next China day, still the same UTC day
        var (night, _) = await _api.LodgeAsync($"{token} 凌晨");

        Assert.Equal([evening], await _api.ListNumbersAsync(Supervisor, $"?q={token}&to={chinaDay:yyyy-MM-dd}"));
        Assert.Equal([night], await _api.ListNumbersAsync(Supervisor, $"?q={token}&from={chinaDay.AddDays(1):yyyy-MM-dd}"));
    }

    [Fact]
    public async Task The_overdue_filter_lists_assigned_cases_past_their_deadline_until_the_unit_responds()
    {
        var token = Token("列表超期");
        var (late, _) = await _api.LodgeAsync($"{token} 超期");
        var (waiting, _) = await _api.LodgeAsync($"{token} 待受理");
        var due = Date((await _api.DoAsync(Supervisor, late, "assign", new { unitCode = "jyt" }))["dueAt"])!.Value;

        Assert.Empty(await _api.ListNumbersAsync(Supervisor, $"?q={token}&overdue=true"));

        fixture.App.Time.SetUtcNow(due);
        Assert.Equal([late], await _api.ListNumbersAsync(Supervisor, $"?q={token}&overdue=true"));
        Assert.Equal([late], await _api.ListNumbersAsync(JytHandler, $"?q={token}&overdue=true"));
        Assert.Equal([waiting], await _api.ListNumbersAsync(Supervisor, $"?q={token}&overdue=false"));
        var item = (await _api.ListAsync(Supervisor, $"?q={late}"))["items"]!.AsArray().Single()!;
        Assert.True(item["overdue"]!.GetValue<bool>());

        await _api.DoAsync(JytHandler, late, "respond", new { findings = "f", measures = "m", publicReply = "r" });
        Assert.Empty(await _api.ListNumbersAsync(Supervisor, $"?q={token}&overdue=true"));
        Assert.Equal([waiting, late], await _api.ListNumbersAsync(Supervisor, $"?q={token}&overdue=false"));
    }

    [Fact]
    public async Task Keyset_pages_cover_every_match_once_in_order_even_when_new_complaints_arrive()
    {
        var token = Token("列表分页");
        var lodged = new List<string>();
        // Two instants: four complaints share the first, so ties are broken by id; three the second.
        for (var i = 0; i < 4; i++)
        {
            lodged.Add((await _api.LodgeAsync($"{token} 第{i}件")).TrackingNumber);
        }
        fixture.App.Time.Advance(TimeSpan.FromMinutes(1));
        for (var i = 4; i < 7; i++)
        {
            lodged.Add((await _api.LodgeAsync($"{token} 第{i}件")).TrackingNumber);
        }

        var seen = new List<JsonObject>();
        var pages = 0;
        string? cursor = null;
        do
        {
            var page = await _api.ListAsync(Supervisor, $"?q={token}&limit=3" + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}"));
            var items = page["items"]!.AsArray().Select(i => i!.AsObject()).ToList();
            seen.AddRange(items);
            cursor = page["nextCursor"]?.GetValue<string>();
            pages++;
            Assert.True(items.Count == 3 || cursor is null, $"page {pages} has {items.Count} items and a next cursor");
            if (pages == 1)
            {
                // A complaint lodged while paging is newer than every cursor: it neither shifts nor repeats the rest.
                fixture.App.Time.Advance(TimeSpan.FromMinutes(1));
                await _api.LodgeAsync($"{token} 翻页中新增");
            }
        }
        while (cursor is not null && pages < 10);

        Assert.Equal(3, pages);
        var numbers = seen.Select(i => i["trackingNumber"]!.GetValue<string>()).ToList();
        Assert.Equal(numbers.Count, numbers.Distinct().Count());
        Assert.Equal(lodged.Order(), numbers.Order());
        // Newest first; among equal times the later (higher) tracking number first.
        var expected = lodged.AsEnumerable().Reverse().Take(3).Concat(lodged.Take(4).Reverse()).ToList();
        Assert.Equal(expected, numbers);
        var times = seen.Select(i => Date(i["submittedAt"])!.Value).ToList();
        Assert.Equal(times.OrderDescending(), times);
        // The full list, as one page, now has the new one on top.
        Assert.Equal(8, (await _api.ListNumbersAsync(Supervisor, $"?q={token}&limit=100")).Count);
    }

    [Fact]
    public async Task A_handlers_pages_hold_only_their_units_assigned_cases()
    {
        var token = Token("列表承办分页");
        var mine = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            mine.Add(await _api.AssignedAsync($"{token} 本单位{i}"));
            await _api.AssignedAsync($"{token} 他单位{i}", "rst");
            await _api.LodgeAsync($"{token} 未交办{i}");
        }

        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var page = await _api.ListAsync(JytHandler, $"?q={token}&limit=2" + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}"));
            seen.AddRange(page["items"]!.AsArray().Select(i => i!["trackingNumber"]!.GetValue<string>()));
            cursor = page["nextCursor"]?.GetValue<string>();
        }
        while (cursor is not null && seen.Count < 20);

        Assert.Equal(mine.Order(), seen.Order());
        Assert.Equal(seen.Count, seen.Distinct().Count());
    }

    public static TheoryData<string, string, string> BadFilters => new()
    {
        { "status=open", "status", "状态无效" },
        { "category=rudeness", "category", "问题类别无效" },
        { "from=2026-13-01", "from", "YYYY-MM-DD" },
        { "to=01/12/2026", "to", "YYYY-MM-DD" },
        { "limit=0", "limit", "1–100" },
        { "limit=101", "limit", "1–100" },
        { "cursor=not-a-cursor", "cursor", "翻页游标无效" },
        { "cursor=YWJj", "cursor", "翻页游标无效" },
        { "q=" + new string('字', 101), "q", "不能超过 100 个字" },
    };

    [Theory]
    [MemberData(nameof(BadFilters))]
    public async Task A_bad_filter_is_a_400_problem_with_a_Chinese_message_under_its_name(string query, string field, string message)
    {
        var response = await _api.GetAsync(Supervisor, "/api/v1/complaints?" + query);

        var problem = await ExpectProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains(Errors(problem, field), m => m.Contains(message));
    }

    [Theory]
    [InlineData("overdue=maybe")]
    [InlineData("limit=ten")]
    public async Task A_filter_of_the_wrong_type_is_a_400_problem(string query)
    {
        var response = await _api.GetAsync(Supervisor, "/api/v1/complaints?" + query);

        await ExpectProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("overdue=maybe")]
    [InlineData("limit=ten")]
    [InlineData("to=2026-11-01&from=2026-11-20")]
    public async Task A_filter_of_the_wrong_type_names_the_field_in_Chinese_like_the_others(string query)
    {
        var response = await _api.GetAsync(Supervisor, "/api/v1/complaints?" + query);

        var problem = await ExpectProblemAsync(response, HttpStatusCode.BadRequest);
        var field = query.Split('=')[0];
        Assert.NotEmpty(Errors(problem, field));
        Assert.True(HasChinese(string.Join(" ", Errors(problem, field))), Readable(problem));
    }

    [Fact]
    public async Task An_unknown_unit_code_in_the_filter_is_a_400_problem()
    {
        var response = await _api.GetAsync(Supervisor, "/api/v1/complaints?unit=nope");

        var problem = await ExpectProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(HasChinese(string.Join(" ", Errors(problem, "unit"))), Readable(problem));
    }
}

public sealed class SqliteListTests(SqliteApp fixture) : ListTests(fixture), IClassFixture<SqliteApp>;

public sealed class PostgresListTests(PostgresApp fixture) : ListTests(fixture), IClassFixture<PostgresApp>;
