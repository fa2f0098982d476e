using System.Text.Json;
using PingYi.Domain.Workflow;

namespace PingYi.Domain.Tests.Workflow;

public sealed class FieldValidationTests
{
    private static readonly Lazy<WorkflowEngine> EngineLazy = new(() => WorkflowRegistry.LoadDirectory(RepoPaths.Workflows).Get("complaint-handling", 1));

    private static WorkflowEngine Engine => EngineLazy.Value;

    /// <summary>Fields as the API receives them: a JSON object's properties.</summary>
    private static Dictionary<string, JsonElement> Fields(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone());
    }

    private static IDictionary<string, string[]> Errors(string action, string json)
    {
        var result = Engine.ValidateFields(action, Fields(json));
        Assert.False(result.IsValid);
        return result.Errors.ToDictionary();
    }

    private static ValidatedFields Valid(string action, string json)
    {
        var result = Engine.ValidateFields(action, Fields(json));
        Assert.True(result.IsValid, string.Join("; ", result.Errors.ToDictionary().Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")));
        return result.Values;
    }

    [Fact]
    public void Assign_needs_a_unit_code_and_cleans_it()
    {
        Assert.Equal(["请填写承办单位。"], Errors("assign", "{}")["unitCode"]);
        Assert.Equal(["请填写承办单位。"], Errors("assign", """{ "unitCode": "  " }""")["unitCode"]);
        Assert.Equal(["请填写承办单位。"], Errors("assign", """{ "unitCode": null }""")["unitCode"]);
        Assert.Equal(["承办单位格式不正确。"], Errors("assign", """{ "unitCode": "教育厅" }""")["unitCode"]);
        Assert.Equal(["承办单位应为单位代码。"], Errors("assign", """{ "unitCode": 12 }""")["unitCode"]);

        var values = Valid("assign", """{ "unitCode": " JYT " }""");
        Assert.Equal("jyt", values.Text("unitCode"));
        Assert.False(values.Has("note"));
        Assert.Null(values.Text("note"));
    }

    [Fact]
    public void Optional_text_is_kept_cleaned_when_given()
    {
        var values = Valid("assign", "{ \"unitCode\": \"jyt\", \"note\": \"  请于十五个工作日内办结。\\u0007 \" }");
        Assert.Equal("请于十五个工作日内办结。", values.Text("note"));
    }

    [Fact]
    public void The_response_needs_three_texts_of_at_most_5000_characters()
    {
        var errors = Errors("respond", "{}");
        Assert.Equal(["请填写调查核实情况。"], errors["findings"]);
        Assert.Equal(["请填写整改措施。"], errors["measures"]);
        Assert.Equal(["请填写答复意见。"], errors["publicReply"]);

        var ok = new string('查', 5000);
        var tooLong = new string('查', 5001);
        var values = Valid("respond", $$"""{ "findings": "{{ok}}", "measures": "已整改", "publicReply": "已答复" }""");
        Assert.Equal(5000, values.Text("findings")!.Length);

        var longErrors = Errors("respond", $$"""{ "findings": "{{tooLong}}", "measures": "已整改", "publicReply": "已答复" }""");
        Assert.Equal(["调查核实情况不能超过 5000 个字（当前 5001 个字）。"], longErrors["findings"]);
        Assert.Single(longErrors);
    }

    [Fact]
    public void Length_counts_characters_as_people_do()
    {
        // 5000 emoji are 10000 UTF-16 units but 5000 characters.
        var emoji = string.Concat(Enumerable.Repeat("😀", 5000));
        Assert.True(Engine.ValidateFields("respond", Fields($$"""{ "findings": "{{emoji}}", "measures": "x", "publicReply": "y" }""")).IsValid);
    }

    [Fact]
    public void Text_of_the_wrong_type_is_refused()
    {
        Assert.Equal(["退回理由应为文字。"], Errors("request-return", """{ "reason": 42 }""")["reason"]);
    }

    [Fact]
    public void An_extension_is_between_1_and_the_maximum_working_days()
    {
        Assert.Equal(["请填写延期天数。"], Errors("request-extension", """{ "reason": "需要补充调查" }""")["workingDays"]);
        Assert.Equal(["延期天数至少为 1 个工作日。"], Errors("request-extension", """{ "workingDays": 0, "reason": "x" }""")["workingDays"]);
        Assert.Equal(["延期天数至少为 1 个工作日。"], Errors("request-extension", """{ "workingDays": -3, "reason": "x" }""")["workingDays"]);
        Assert.Equal(["延期天数不能超过 10 个工作日。"], Errors("request-extension", """{ "workingDays": 11, "reason": "x" }""")["workingDays"]);
        Assert.Equal(["延期天数应为整数（工作日）。"], Errors("request-extension", """{ "workingDays": 2.5, "reason": "x" }""")["workingDays"]);
        Assert.Equal(["延期天数应为整数（工作日）。"], Errors("request-extension", """{ "workingDays": "三", "reason": "x" }""")["workingDays"]);
        Assert.Equal(["请填写延期理由。"], Errors("request-extension", """{ "workingDays": 3 }""")["reason"]);

        Assert.Equal(10, Valid("request-extension", """{ "workingDays": 10, "reason": "需要补充调查" }""").Int("workingDays"));
        Assert.Equal(3, Valid("request-extension", """{ "workingDays": "3", "reason": "表单提交的字符串" }""").Int("workingDays"));
    }

    [Fact]
    public void The_quality_rating_is_1_to_5()
    {
        Assert.Equal(["请选择办理质量评分。"], Errors("approve", "{}")["qualityRating"]);
        Assert.Equal(["办理质量评分应为 1 到 5 之间的整数。"], Errors("approve", """{ "qualityRating": 0 }""")["qualityRating"]);
        Assert.Equal(["办理质量评分应为 1 到 5 之间的整数。"], Errors("approve", """{ "qualityRating": 6 }""")["qualityRating"]);
        Assert.Equal(["办理质量评分应为 1 到 5 之间的整数。"], Errors("approve", """{ "qualityRating": true }""")["qualityRating"]);

        var values = Valid("approve", """{ "qualityRating": 5 }""");
        Assert.Equal(5, values.Int("qualityRating"));
        Assert.False(values.Has("note"));
    }

    [Fact]
    public void Satisfaction_is_one_of_three_codes()
    {
        Assert.Equal(["请选择满意度。"], Errors("feedback", "{}")["satisfaction"]);
        Assert.Equal(
            ["满意度应为 satisfied（满意）、basically-satisfied（基本满意）、dissatisfied（不满意） 之一。"],
            Errors("feedback", """{ "satisfaction": "happy" }""")["satisfaction"]);
        Assert.Equal(
            ["满意度应为 satisfied（满意）、basically-satisfied（基本满意）、dissatisfied（不满意） 之一。"],
            Errors("feedback", """{ "satisfaction": 3 }""")["satisfaction"]);

        Assert.Equal(Satisfaction.Dissatisfied, Valid("feedback", """{ "satisfaction": "dissatisfied" }""").Satisfaction("satisfaction"));
        var values = Valid("feedback", """{ "satisfaction": "basically-satisfied", "comment": "处理及时" }""");
        Assert.Equal(Satisfaction.BasicallySatisfied, values.Satisfaction("satisfaction"));
        Assert.Equal("处理及时", values.Text("comment"));
    }

    [Fact]
    public void A_field_the_action_does_not_take_is_reported()
    {
        var errors = Errors("close", """{ "note": "办结", "qualityRating": 5 }""");
        Assert.Equal(["“办结”不需要填写此项。"], errors["qualityRating"]);
        Assert.False(errors.ContainsKey("note"));
    }

    [Fact]
    public void An_action_without_fields_accepts_an_empty_object()
    {
        Assert.Empty(Valid("feedback-timeout", "{}").All);
    }

    [Fact]
    public void Several_faults_are_reported_together()
    {
        var errors = Errors("transfer", """{ "unitCode": "Bad Code!" }""");
        Assert.Equal(["转办单位格式不正确。"], errors["unitCode"]);
        Assert.Equal(["请填写转办理由。"], errors["reason"]);
    }

    [Fact]
    public void Fields_of_an_unknown_action_cannot_be_validated()
    {
        var ex = Assert.Throws<WorkflowActionException>(() => Engine.ValidateFields("archive", Fields("{}")));
        Assert.Equal(WorkflowRefusal.UnknownAction, ex.Refusal);
        Assert.Null(ex.Status);
    }
}
