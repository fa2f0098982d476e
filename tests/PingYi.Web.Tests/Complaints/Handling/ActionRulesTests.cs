using System.Net;
using System.Text.Json.Nodes;
using PingYi.Web.Tests.Infrastructure;
using static PingYi.Web.Tests.Infrastructure.StaffApi;

namespace PingYi.Web.Tests.Complaints.Handling;

/// <summary>
/// Who may fire which action when, at the HTTP level: return and transfer flows, refusals by role (403),
/// by state (409), unknown actions (404) and bad fields (400 with a Chinese message under the field).
/// These tests do not move the clock.
/// </summary>
public abstract class ActionRulesTests(AppFixture fixture)
{
    private static readonly string JytHandler = Handler("jyt");
    private static readonly string RstHandler = Handler("rst");

    private readonly StaffApi _api = StaffApi.For(fixture.App);

    // ---- return ----

    [Fact]
    public async Task An_approved_return_sends_the_case_back_to_intake_and_out_of_the_units_reach()
    {
        var number = await _api.AssignedAsync("退回流程-同意");

        var v = await _api.DoAsync(JytHandler, number, "request-return", new { reason = "不属于本单位职责" });
        Assert.Equal("return", v["pendingRequest"]!.GetValue<string>());
        Assert.Equal(["approve-return", "reject-return"], (await _api.ActionsAsync(Supervisor, number)).Where(a => a.Contains("return")));

        v = await _api.DoAsync(Supervisor, number, "approve-return", new { note = "同意退回" });

        Assert.Equal("submitted", v["status"]!.GetValue<string>());
        Assert.Null(v["pendingRequest"]);
        // Back at intake: a fresh 2 working days to accept (the clock of this class stays at Wed 11-25 10:00).
        Assert.Equal(Utc("2026-11-27T16:00:00Z"), Date(v["dueAt"]));
        foreach (var path in new[] { $"/api/v1/complaints/{number}", $"/api/v1/complaints/{number}/actions" })
        {
            await ExpectProblemAsync(await _api.GetAsync(JytHandler, path), HttpStatusCode.NotFound);
        }
        await ExpectProblemAsync(await _api.ActAsync(JytHandler, number, "respond", new { findings = "a", measures = "b", publicReply = "c" }), HttpStatusCode.NotFound);
        Assert.DoesNotContain(number, await _api.ListNumbersAsync(JytHandler, $"?q={number}"));
        Assert.Equal(["assign", "decline", "merge", "link"], await _api.ActionsAsync(Supervisor, number));

        // Re-assigned to the right unit, whose handler now has it.
        await _api.DoAsync(Supervisor, number, "assign", new { unitCode = "rst" });
        Assert.Equal("rst", (await _api.StaffViewAsync(RstHandler, number))["unit"]!["code"]!.GetValue<string>());
        await ExpectAsync(await _api.GetAsync(JytHandler, $"/api/v1/complaints/{number}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_rejected_return_keeps_the_case_with_the_unit_and_its_deadline()
    {
        var number = await _api.AssignedAsync("退回流程-不同意");
        var due = Date((await _api.StaffViewAsync(Supervisor, number))["dueAt"]);
        await _api.DoAsync(JytHandler, number, "request-return", new { reason = "不属于本单位职责" });

        var v = await _api.DoAsync(Supervisor, number, "reject-return", new { reason = "属于本单位职责范围" });

        Assert.Equal("assigned", v["status"]!.GetValue<string>());
        Assert.Null(v["pendingRequest"]);
        Assert.Equal(due, Date(v["dueAt"]));
        Assert.Equal(["request-return", "request-extension", "request-suspension", "respond"], await _api.ActionsAsync(JytHandler, number));
        var rejected = v["timeline"]!.AsArray()[^1]!;
        Assert.Equal("reject-return", rejected["action"]!.GetValue<string>());
        Assert.Equal("属于本单位职责范围", rejected["internalNote"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_second_request_while_one_is_pending_is_409_naming_the_reason()
    {
        var number = await _api.AssignedAsync("退回流程-重复申请");
        await _api.DoAsync(JytHandler, number, "request-return", new { reason = "不属于本单位职责" });

        var again = await ExpectProblemAsync(await _api.ActAsync(JytHandler, number, "request-return", new { reason = "再次申请" }), HttpStatusCode.Conflict);
        var extension = await ExpectProblemAsync(await _api.ActAsync(JytHandler, number, "request-extension", new { workingDays = 3, reason = "延期" }), HttpStatusCode.Conflict);

        foreach (var problem in new[] { again, extension })
        {
            var message = Errors(problem, "action").Single();
            Assert.Contains("已有待审批的退回、延期或中止申请", message);
            Assert.Contains("办理中", message);
            Assert.DoesNotContain("assigned", message);
        }
        // Nothing was recorded for the refused requests.
        var timeline = (await _api.StaffViewAsync(Supervisor, number))["timeline"]!.AsArray();
        Assert.Single(timeline, t => t!["action"]!.GetValue<string>() == "request-return");
        Assert.DoesNotContain(timeline, t => t!["action"]!.GetValue<string>() == "request-extension");
    }

    [Fact]
    public async Task Approving_or_rejecting_a_request_that_was_never_made_is_409()
    {
        var number = await _api.AssignedAsync("无申请时审批");

        foreach (var (action, fields) in new (string, object)[]
                 {
                     ("approve-return", new { }), ("reject-return", new { reason = "x" }),
                     ("approve-extension", new { }), ("reject-extension", new { reason = "x" }),
                 })
        {
            var problem = await ExpectProblemAsync(await _api.ActAsync(Supervisor, number, action, fields), HttpStatusCode.Conflict);
            Assert.Contains("没有待审批的", Errors(problem, "action").Single());
        }
    }

    [Fact]
    public async Task A_transfer_moves_the_case_to_the_other_unit_and_never_to_the_same_one()
    {
        var number = await _api.AssignedAsync("转办流程");

        var same = await ExpectProblemAsync(await _api.ActAsync(Supervisor, number, "transfer", new { unitCode = "jyt", reason = "转办" }), HttpStatusCode.Conflict);
        Assert.Contains("不能转办给当前承办单位", Errors(same, "action").Single());

        var v = await _api.DoAsync(Supervisor, number, "transfer", new { unitCode = "rst", reason = "属人社职责" });

        Assert.Equal("rst", v["unit"]!["code"]!.GetValue<string>());
        Assert.Equal(1, v["transferCount"]!.GetValue<int>());
        await ExpectAsync(await _api.GetAsync(JytHandler, $"/api/v1/complaints/{number}"), HttpStatusCode.NotFound);
        Assert.Contains("respond", await _api.ActionsAsync(RstHandler, number));
    }

    // ---- the complainant's supplements ----

    [Fact]
    public async Task A_supplement_reaches_the_handlers_timeline_and_is_refused_once_the_case_is_closed()
    {
        var (number, code) = await _api.LodgeAsync("补充材料-办理中");
        await _api.DoAsync(Supervisor, number, "assign", new { unitCode = "jyt" });

        await ExpectAsync(await SupplementAsync(number, code, "补充：现场另有两名证人。"), HttpStatusCode.NoContent);

        var handlerView = await _api.StaffViewAsync(JytHandler, number);
        var supplement = handlerView["timeline"]!.AsArray()[^1]!;
        Assert.Equal("supplement", supplement["action"]!.GetValue<string>());
        Assert.Equal("complainant", supplement["actorRole"]!.GetValue<string>());
        Assert.Contains("两名证人", supplement["note"]!.GetValue<string>());
        Assert.Equal("assigned", handlerView["status"]!.GetValue<string>());

        await _api.DoAsync(JytHandler, number, "respond", new { findings = "f", measures = "m", publicReply = "r" });
        await _api.DoAsync(Supervisor, number, "approve", new { qualityRating = 4 });
        await ExpectAsync(await _api.FeedbackAsync(number, code, "basically-satisfied"), HttpStatusCode.OK);
        Assert.Equal("closed", (await _api.StaffViewAsync(Supervisor, number))["status"]!.GetValue<string>());

        var closed = await ExpectProblemAsync(await SupplementAsync(number, code, "结案后再补充"), HttpStatusCode.Conflict);
        Assert.Contains("已办结", Errors(closed, "text").Single());
    }

    private Task<HttpResponseMessage> SupplementAsync(string number, string code, string text)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/complaints/{number}/supplements")
        {
            Content = TestData.Json(new JsonObject { ["text"] = text }),
        };
        request.Headers.Add("X-Access-Code", code);
        return _api.Anonymous.SendAsync(request);
    }

    // ---- refusals by role ----

    public static TheoryData<string> SupervisorActions => new()
    {
        "assign", "decline", "transfer", "approve-return", "reject-return", "approve-extension", "reject-extension",
        "approve", "send-back", "reopen", "close",
    };

    [Theory]
    [MemberData(nameof(SupervisorActions))]
    public async Task A_handler_firing_a_supervisor_action_is_403_and_nothing_changes(string action)
    {
        var number = await _api.AssignedAsync($"承办人越权-{action}");
        var before = await _api.StaffViewAsync(Supervisor, number);

        var problem = await ExpectProblemAsync(
            await _api.ActAsync(JytHandler, number, action, new { unitCode = "rst", reason = "越权", qualityRating = 5 }), HttpStatusCode.Forbidden);

        Assert.Contains("无权", Errors(problem, "action").Single());
        var after = await _api.StaffViewAsync(Supervisor, number);
        Assert.Equal(before["version"]!.GetValue<int>(), after["version"]!.GetValue<int>());
        Assert.Equal(before["timeline"]!.AsArray().Count, after["timeline"]!.AsArray().Count);
    }

    [Theory]
    [InlineData("respond")]
    [InlineData("request-return")]
    [InlineData("request-extension")]
    [InlineData("feedback")]
    [InlineData("feedback-timeout")]
    public async Task A_supervisor_firing_a_unit_complainant_or_system_action_is_403(string action)
    {
        var number = await _api.AssignedAsync($"督办员越权-{action}");

        var problem = await ExpectProblemAsync(
            await _api.ActAsync(Supervisor, number, action, new { findings = "a", measures = "b", publicReply = "c" }), HttpStatusCode.Forbidden);

        Assert.Contains("无权", Errors(problem, "action").Single());
        Assert.Equal("assigned", (await _api.StaffViewAsync(Supervisor, number))["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Feedback_before_the_outcome_is_approved_is_409_and_with_a_wrong_code_404()
    {
        var (number, code) = await _api.LodgeAsync("提前评价");

        var submitted = await ExpectProblemAsync(await _api.FeedbackAsync(number, code, "satisfied"), HttpStatusCode.Conflict);
        Assert.Contains("待受理", Errors(submitted, "action").Single());
        await _api.DoAsync(Supervisor, number, "assign", new { unitCode = "jyt" });
        var assigned = await ExpectProblemAsync(await _api.FeedbackAsync(number, code, "dissatisfied"), HttpStatusCode.Conflict);
        Assert.Contains("办理中", Errors(assigned, "action").Single());
        await ExpectProblemAsync(await _api.FeedbackAsync(number, "ABCD-EFGH-JKMN", "satisfied"), HttpStatusCode.NotFound);

        Assert.Equal("assigned", (await _api.StaffViewAsync(Supervisor, number))["status"]!.GetValue<string>());
    }

    // ---- refusals by state ----

    [Fact]
    public async Task An_action_not_allowed_in_the_state_is_409_naming_the_state_in_Chinese_only()
    {
        var number = await _api.AssignedAsync("状态不允许");

        var approve = await ExpectProblemAsync(await _api.ActAsync(Supervisor, number, "approve", new { qualityRating = 5 }), HttpStatusCode.Conflict);
        var assignAgain = await ExpectProblemAsync(await _api.ActAsync(Supervisor, number, "assign", new { unitCode = "rst" }), HttpStatusCode.Conflict);

        var message = Errors(approve, "action").Single();
        Assert.Contains("当前状态为“办理中”", message);
        Assert.Contains("审核通过", message);
        Assert.DoesNotContain("Action 'approve' is not allowed", message);
        Assert.Contains("当前状态为“办理中”", Errors(assignAgain, "action").Single());
        Assert.DoesNotContain("'assigned'", Errors(assignAgain, "action").Single());
    }

    [Fact]
    public async Task A_declined_complaint_takes_no_further_action()
    {
        var (number, code) = await _api.LodgeAsync("不予受理");

        var v = await _api.DoAsync(Supervisor, number, "decline", new { reason = "不属于作风问题" });

        Assert.Equal("declined", v["status"]!.GetValue<string>());
        Assert.Null(v["dueAt"]);
        Assert.Empty(await _api.ActionsAsync(Supervisor, number));
        var problem = await ExpectProblemAsync(await _api.ActAsync(Supervisor, number, "assign", new { unitCode = "jyt" }), HttpStatusCode.Conflict);
        Assert.Contains("不予受理", Errors(problem, "action").Single());
        Assert.DoesNotContain("declined", Errors(problem, "action").Single());
        // The reason for declining is told to the complainant.
        Assert.Contains("不属于作风问题", Readable(await _api.PublicViewTextAsync(number, code)));
    }

    // ---- unknown actions and bad fields ----

    [Theory]
    [InlineData("escalate")]
    [InlineData("ASSIGN")]
    [InlineData("view-contact")]
    [InlineData("submit")]
    public async Task An_unknown_action_is_404(string action)
    {
        var (number, _) = await _api.LodgeAsync($"未知操作-{action}");

        var problem = await ExpectProblemAsync(await _api.ActAsync(Supervisor, number, action, new { unitCode = "jyt" }), HttpStatusCode.NotFound);

        Assert.Contains(action, Errors(problem, "action").Single());
        Assert.Equal("submitted", (await _api.StaffViewAsync(Supervisor, number))["status"]!.GetValue<string>());
    }

    public static TheoryData<string, string, string, string> BadFields => new()
    {
        // action, JSON body, field, Chinese message
        { "assign", "{}", "unitCode", "请填写承办单位" },
        { "assign", """{"unitCode":"nope"}""", "unitCode", "找不到单位代码“nope”" },
        { "assign", """{"unitCode":"NOT A CODE!"}""", "unitCode", "承办单位格式不正确" },
        { "assign", """{"unitCode":42}""", "unitCode", "承办单位应为单位代码" },
        { "assign", """{"unitCode":"jyt","priority":"high"}""", "priority", "不需要填写此项" },
        { "assign", """{"unitCode":"jyt","note":"NOTE"}""", "note", "不能超过 1000 个字" },
        { "decline", "{}", "reason", "请填写不予受理理由" },
        { "decline", """{"reason":"   "}""", "reason", "请填写不予受理理由" },
        { "decline", """{"reason":7}""", "reason", "不予受理理由应为文字" },
        { "assign", """{"unitCode":"jyt", """, "$", "JSON" },
        { "assign", "[]", "$", "JSON" },
    };

    [Theory]
    [MemberData(nameof(BadFields))]
    public async Task Missing_or_invalid_fields_on_a_submitted_complaint_are_400_with_a_Chinese_message_under_the_field(string action, string json, string field, string message)
    {
        var (number, _) = await _api.LodgeAsync($"字段校验-{action}-{field}");
        json = json.Replace("NOTE", new string('字', 1001));

        var problem = await PostRawAsync(number, action, json);

        Assert.Contains(Errors(problem, field), m => m.Contains(message));
        Assert.True(Errors(problem, field).All(HasChinese));
        Assert.Equal("submitted", (await _api.StaffViewAsync(Supervisor, number))["status"]!.GetValue<string>());
    }

    public static TheoryData<string, string, string, string> BadFieldsWhileAssigned => new()
    {
        { "request-extension", """{"reason":"需要时间"}""", "workingDays", "请填写延期天数" },
        { "request-extension", """{"workingDays":0,"reason":"需要时间"}""", "workingDays", "至少为 1 个工作日" },
        { "request-extension", """{"workingDays":11,"reason":"需要时间"}""", "workingDays", "不能超过 10 个工作日" },
        { "request-extension", """{"workingDays":2.5,"reason":"需要时间"}""", "workingDays", "应为整数" },
        { "request-extension", """{"workingDays":3}""", "reason", "请填写延期理由" },
        { "request-return", "{}", "reason", "请填写退回理由" },
        { "respond", """{"measures":"m","publicReply":"r"}""", "findings", "请填写调查核实情况" },
        { "respond", """{"findings":"f","publicReply":"r"}""", "measures", "请填写整改措施" },
        { "respond", """{"findings":"f","measures":"m"}""", "publicReply", "请填写答复意见" },
    };

    [Theory]
    [MemberData(nameof(BadFieldsWhileAssigned))]
    public async Task Missing_or_invalid_fields_of_the_units_actions_are_400(string action, string json, string field, string message)
    {
        var number = await _api.AssignedAsync($"承办字段校验-{action}-{field}");

        var problem = await PostRawAsync(number, action, json, JytHandler);

        Assert.Contains(Errors(problem, field), m => m.Contains(message));
        Assert.Null((await _api.StaffViewAsync(Supervisor, number))["pendingRequest"]);
    }

    [Theory]
    [InlineData("""{"qualityRating":6}""", "qualityRating", "应为 1 到 5 之间的整数")]
    [InlineData("""{"qualityRating":0}""", "qualityRating", "应为 1 到 5 之间的整数")]
    [InlineData("""{}""", "qualityRating", "请选择办理质量评分")]
    [InlineData("""{"reasonx":"?","qualityRating":3}""", "reasonx", "不需要填写此项")]
    public async Task Review_fields_are_checked(string json, string field, string message)
    {
        var number = await _api.AssignedAsync($"审核字段校验-{field}");
        await _api.DoAsync(JytHandler, number, "respond", new { findings = "f", measures = "m", publicReply = "r" });

        var problem = await PostRawAsync(number, "approve", json);

        Assert.Contains(Errors(problem, field), m => m.Contains(message));
        Assert.Equal("under-review", (await _api.StaffViewAsync(Supervisor, number))["status"]!.GetValue<string>());
        var sendBack = await PostRawAsync(number, "send-back", "{}");
        Assert.Contains(Errors(sendBack, "reason"), m => m.Contains("请填写退回重办理由"));
    }

    [Fact]
    public async Task An_invalid_rating_by_the_complainant_is_400_under_satisfaction()
    {
        var (number, code) = await LodgeAndApproveAsync();

        var problem = await ExpectProblemAsync(await _api.FeedbackAsync(number, code, "great"), HttpStatusCode.BadRequest);

        var message = Errors(problem, "satisfaction").Single();
        Assert.Contains("满意度应为", message);
        Assert.Contains("dissatisfied", message);
        Assert.Equal("awaiting-feedback", (await _api.StaffViewAsync(Supervisor, number))["status"]!.GetValue<string>());
    }

    private async Task<(string Number, string Code)> LodgeAndApproveAsync()
    {
        var (number, code) = await _api.LodgeAsync("评价字段校验-待评价");
        await _api.DoAsync(Supervisor, number, "assign", new { unitCode = "jyt" });
        await _api.DoAsync(JytHandler, number, "respond", new { findings = "f", measures = "m", publicReply = "r" });
        await _api.DoAsync(Supervisor, number, "approve", new { qualityRating = 3 });
        return (number, code);
    }

    private async Task<JsonObject> PostRawAsync(string number, string action, string json, string? email = null)
    {
        var client = await _api.AsAsync(email ?? Supervisor);
        var response = await client.PostAsync($"/api/v1/complaints/{number}/actions/{action}",
            new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        return await ExpectProblemAsync(response, HttpStatusCode.BadRequest);
    }
}

public sealed class SqliteActionRulesTests(SqliteApp fixture) : ActionRulesTests(fixture), IClassFixture<SqliteApp>;

public sealed class PostgresActionRulesTests(PostgresApp fixture) : ActionRulesTests(fixture), IClassFixture<PostgresApp>;
