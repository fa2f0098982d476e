using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using PingYi.Web.Features.Evaluation;
using PingYi.Web.Features.Scoring;
using PingYi.Web.Tests.Infrastructure;
using PingYi.Web.Tests.Notifications;
using static PingYi.Web.Tests.Infrastructure.StaffApi;

namespace PingYi.Web.Tests.Complaints.Merging;

/// <summary>
/// 并案 (merge, unmerge, share-answer) and 关联 (link), workflow v5, through the staff API: the secondary follows the
/// primary, the unit answers once, each complainant gets the answer and rates it under their own number, nothing of
/// one complainant reaches the unit or the other, and the unit's channel score counts the group once. Each test uses
/// units no other test of the class touches, so a unit's tally is exactly what the test did.
/// </summary>
public abstract class MergeTests(AppFixture fixture)
{
    private readonly StaffApi _api = StaffApi.For(fixture.App);

    private async Task<(string Number, string Code, Complainant Who)> LodgeNamedAsync(string title, string unit)
    {
        var who = Complainant.Distinct();
        var body = Named(Complaint(title, unit), who);
        body["description"] = $"{title}：社区办事大厅要求群众反复提交同一份证明材料，窗口人员推诿。编号{Guid.NewGuid():N}";
        var (number, code) = await _api.LodgeAsync(body);
        return (number, code, who);
    }

    private Task<JsonObject> MergeAsync(string secondary, string primary, bool forward = true) =>
        _api.DoAsync(Supervisor, secondary, "merge", new { primary, reason = "同一事项的重复反映", forwardDescription = forward });

    private async Task AnswerAsync(string number, string unit)
    {
        await _api.DoAsync(Supervisor, number, "assign", new { unitCode = unit });
        await _api.DoAsync(Handler(unit), number, "respond", new { findings = "已核实", measures = "已整改", publicReply = "经核实，已取消重复提交证明的要求。" });
        await _api.DoAsync(Supervisor, number, "approve", new { qualityRating = 4 });
    }

    [Fact]
    public async Task A_merged_case_follows_its_primary_and_each_complainant_gets_the_answer_under_their_own_number()
    {
        const string unit = "mzt";
        var primary = await LodgeNamedAsync(Token("并案主件"), unit);
        var secondary = await LodgeNamedAsync(Token("并案次件"), unit);
        Assert.Contains("merge", await _api.ActionsAsync(Supervisor, secondary.Number));

        var s = await MergeAsync(secondary.Number, primary.Number);
        Assert.Equal("merged", s["status"]!.GetValue<string>());
        Assert.Equal("已并案", s["statusLabel"]!.GetValue<string>());
        Assert.Null(s["dueAt"]);
        Assert.Equal(primary.Number, s["group"]!["mergedInto"]!.GetValue<string>());
        var merged = s["timeline"]!.AsArray()[^1]!;
        Assert.Equal("merge", merged["action"]!.GetValue<string>());
        Assert.Contains($"并入主件 {primary.Number}", merged["internalNote"]!.GetValue<string>());
        Assert.DoesNotContain(primary.Number, merged["note"]!.GetValue<string>());

        var p = await _api.StaffViewAsync(Supervisor, primary.Number);
        Assert.Equal(secondary.Number, p["group"]!["secondaries"]!.AsArray().Single()!["trackingNumber"]!.GetValue<string>());
        Assert.Contains(p["timeline"]!.AsArray(), e => e!["action"]!.GetValue<string>() == "merged-in");

        await _api.DoAsync(Supervisor, primary.Number, "assign", new { unitCode = unit });
        // The unit sees one case: the forwarded text, never the secondary's number or its complainant.
        var unitBody = await ExpectAsync(await _api.GetAsync(Handler(unit), $"/api/v1/complaints/{primary.Number}"), HttpStatusCode.OK);
        var unitView = JsonNode.Parse(unitBody)!;
        Assert.Equal(1, unitView["group"]!["secondaryCount"]!.GetValue<int>());
        Assert.Empty(unitView["group"]!["secondaries"]!.AsArray());
        Assert.Contains("社区办事大厅", unitView["group"]!["forwarded"]!.AsArray().Single()!["description"]!.GetValue<string>());
        Assert.DoesNotContain(secondary.Number, unitBody);
        secondary.Who.AssertAbsentFrom(unitBody, "the unit's view of the primary");
        var unitPage = await ExpectAsync(await _api.GetAsync(Handler(unit), $"/staff/complaints/{primary.Number}"), HttpStatusCode.OK);
        Assert.DoesNotContain(secondary.Number, unitPage);
        secondary.Who.AssertAbsentFrom(unitPage, "the unit's page of the primary");
        await ExpectProblemAsync(await _api.GetAsync(Handler(unit), $"/api/v1/complaints/{secondary.Number}"), HttpStatusCode.NotFound);
        Assert.DoesNotContain(secondary.Number, await _api.ListNumbersAsync(Handler(unit), ""));

        await _api.DoAsync(Handler(unit), primary.Number, "respond", new { findings = "已核实", measures = "已整改", publicReply = "经核实，已取消重复提交证明的要求。" });
        await _api.DoAsync(Supervisor, primary.Number, "approve", new { qualityRating = 4 });

        // Each complainant reads the answer under their own number and access code, and is told by mail.
        s = await _api.StaffViewAsync(Supervisor, secondary.Number);
        Assert.Equal("awaiting-feedback", s["status"]!.GetValue<string>());
        Assert.Equal("share-answer", s["timeline"]!.AsArray()[^1]!["action"]!.GetValue<string>());
        foreach (var (number, code) in new[] { (primary.Number, primary.Code), (secondary.Number, secondary.Code) })
        {
            Assert.Contains("已取消重复提交证明的要求", await _api.PublicViewTextAsync(number, code));
        }
        await ExpectProblemAsync(await _api.PublicGetAsync(secondary.Number, primary.Code), HttpStatusCode.NotFound);
        var secondaryMail = Assert.Single(await Outbox.RowsAsync(fixture.App, secondary.Number), m => m.Kind == "replied");
        Assert.Equal(secondary.Who.Email, secondaryMail.Recipient);
        Assert.Contains(await Outbox.RowsAsync(fixture.App, primary.Number), m => m.Kind == "replied" && m.Recipient == primary.Who.Email);
        Assert.DoesNotContain(await Outbox.RowsAsync(fixture.App, secondary.Number), m => m.Recipient == Handler(unit));

        // Each rates it; only the primary's handling round counts for the unit (the group counts once).
        await ExpectAsync(await _api.FeedbackAsync(secondary.Number, secondary.Code, "satisfied"), HttpStatusCode.OK);
        await ExpectAsync(await _api.FeedbackAsync(primary.Number, primary.Code, "dissatisfied"), HttpStatusCode.OK);
        Assert.Equal("closed", (await _api.StaffViewAsync(Supervisor, secondary.Number))["status"]!.GetValue<string>());

        using var scope = fixture.App.Services.CreateScope();
        var round = scope.ServiceProvider.GetRequiredService<EvaluationRuntime>().Find(2026)!;
        var scores = await scope.ServiceProvider.GetRequiredService<IChannelScores>().ForRoundAsync(round, _api.Now.AddMinutes(1), CancellationToken.None);
        var facts = scores[unit].Facts;
        Assert.Equal((1, 1, 0, 1), (facts.HandlingRounds, facts.Responses, facts.Satisfied, facts.Dissatisfied));
    }

    [Fact]
    public async Task Unmerge_is_possible_until_the_answer_is_approved_and_then_refused()
    {
        const string unit = "czt";
        var primary = await LodgeNamedAsync(Token("解除主件"), unit);
        var secondary = await LodgeNamedAsync(Token("解除次件"), unit);
        await MergeAsync(secondary.Number, primary.Number, forward: false);

        var missing = await ExpectProblemAsync(await _api.ActAsync(Supervisor, secondary.Number, "unmerge", new { }), HttpStatusCode.BadRequest);
        Assert.Equal(["请填写解除理由。"], Errors(missing, "reason"));
        var s = await _api.DoAsync(Supervisor, secondary.Number, "unmerge", new { reason = "并非同一事项" });
        Assert.Equal("submitted", s["status"]!.GetValue<string>());
        Assert.NotNull(s["dueAt"]);
        Assert.Null(s["group"]);
        Assert.Contains("解除与主件", s["timeline"]!.AsArray()[^1]!["internalNote"]!.GetValue<string>());
        var p = await _api.StaffViewAsync(Supervisor, primary.Number);
        Assert.Contains(p["timeline"]!.AsArray(), e => e!["action"]!.GetValue<string>() == "unmerged-out");
        Assert.Null(p["group"]);

        // Merged again, and still unmergeable while the primary is handled; not once its answer is approved.
        await MergeAsync(secondary.Number, primary.Number);
        await _api.DoAsync(Supervisor, primary.Number, "assign", new { unitCode = unit });
        Assert.Contains("unmerge", await _api.ActionsAsync(Supervisor, secondary.Number));
        await _api.DoAsync(Handler(unit), primary.Number, "respond", new { findings = "已核实", measures = "已整改", publicReply = "已处理。" });
        await _api.DoAsync(Supervisor, primary.Number, "approve", new { qualityRating = 5 });
        Assert.DoesNotContain("unmerge", await _api.ActionsAsync(Supervisor, secondary.Number));
        var refused = await ExpectProblemAsync(await _api.ActAsync(Supervisor, secondary.Number, "unmerge", new { reason = "晚了" }), HttpStatusCode.Conflict);
        Assert.True(HasChinese(Errors(refused, "action").Single()));
        Assert.Contains("待评价", Errors(refused, "action").Single());
    }

    [Fact]
    public async Task Merges_the_rules_forbid_are_refused_with_a_reason()
    {
        var primary = await LodgeNamedAsync(Token("规则主件"), "zrt");
        var secondary = await LodgeNamedAsync(Token("规则次件"), "zrt");
        var third = await LodgeNamedAsync(Token("规则三件"), "zrt");
        var otherUnit = await LodgeNamedAsync(Token("他单位"), "zjt");

        async Task<string> Refused(string number, string into, HttpStatusCode status = HttpStatusCode.Conflict, string field = "action")
        {
            var problem = await ExpectProblemAsync(await _api.ActAsync(Supervisor, number, "merge", new { primary = into, reason = "重复" }), status);
            var message = Errors(problem, field).Single();
            Assert.True(HasChinese(message), message);
            return message;
        }

        Assert.Contains("同一被反映单位", await Refused(secondary.Number, otherUnit.Number));
        Assert.Contains("不能把反映并入它自己", await Refused(secondary.Number, secondary.Number));
        Assert.Contains("找不到受理编号", await Refused(secondary.Number, "ZTC-2026-99999999", HttpStatusCode.NotFound, "primary"));
        Assert.Contains("格式不正确", await Refused(secondary.Number, "不是编号", HttpStatusCode.BadRequest, "primary"));

        // No chains: a secondary is no primary, a primary no secondary.
        await MergeAsync(secondary.Number, primary.Number);
        Assert.Contains("本身已并入其他反映", await Refused(third.Number, secondary.Number));
        Assert.Contains("已是其他反映的并案主件", await Refused(primary.Number, third.Number));

        // Only a case not yet handed to a unit can be merged, and only into a primary still being handled.
        await AnswerAsync(third.Number, "zrt");
        var late = await LodgeNamedAsync(Token("晚到"), "zrt");
        Assert.Contains("待评价", await Refused(late.Number, third.Number));
        Assert.Contains("办理中", await Refused(await _api.AssignedAsync(Token("已交办"), "zrt"), primary.Number));

        // A unit cannot merge (it does not even see a case at intake).
        var byUnit = await _api.ActAsync(Handler("zrt"), third.Number, "merge", new { primary = primary.Number, reason = "重复" });
        Assert.True(byUnit.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.NotFound, byUnit.StatusCode.ToString());
    }

    [Fact]
    public async Task A_declined_primary_sends_its_secondaries_back_to_intake()
    {
        var primary = await LodgeNamedAsync(Token("不予受理主件"), "rst");
        var secondary = await LodgeNamedAsync(Token("不予受理次件"), "rst");
        await MergeAsync(secondary.Number, primary.Number);

        await _api.DoAsync(Supervisor, primary.Number, "decline", new { reason = "不属于受理范围" });

        var s = await _api.StaffViewAsync(Supervisor, secondary.Number);
        Assert.Equal("submitted", s["status"]!.GetValue<string>());
        var unmerged = s["timeline"]!.AsArray()[^1]!;
        Assert.Equal(("unmerge", "system"), (unmerged["action"]!.GetValue<string>(), unmerged["actorRole"]!.GetValue<string>()));
        Assert.Contains("主件不予受理", unmerged["internalNote"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_link_is_symmetric_changes_no_handling_and_is_made_once()
    {
        var a = await _api.AssignedAsync(Token("关联甲"), "gat");
        var (b, _) = await _api.LodgeAsync(Token("关联乙"), "gat");

        var v = await _api.DoAsync(Supervisor, a, "link", new { related = b, reason = "同一工地的两个问题" });
        Assert.Equal("assigned", v["status"]!.GetValue<string>());
        Assert.Equal(b, v["group"]!["related"]!.AsArray().Single()!["trackingNumber"]!.GetValue<string>());
        var other = await _api.StaffViewAsync(Supervisor, b);
        Assert.Equal("submitted", other["status"]!.GetValue<string>());
        Assert.Equal(a, other["group"]!["related"]!.AsArray().Single()!["trackingNumber"]!.GetValue<string>());
        Assert.Contains(other["timeline"]!.AsArray(), e => e!["action"]!.GetValue<string>() == "linked");

        var again = await ExpectProblemAsync(await _api.ActAsync(Supervisor, b, "link", new { related = a }), HttpStatusCode.Conflict);
        Assert.Contains("已与", Errors(again, "related").Single());
        // The unit sees only the related cases it may see itself: b is not yet with it.
        var unitView = await _api.StaffViewAsync(Handler("gat"), a);
        Assert.Null(unitView["group"]);
    }
}

public sealed class SqliteMergeTests(SqliteApp fixture) : MergeTests(fixture), IClassFixture<SqliteApp>;

public sealed class PostgresMergeTests(PostgresApp fixture) : MergeTests(fixture), IClassFixture<PostgresApp>;
