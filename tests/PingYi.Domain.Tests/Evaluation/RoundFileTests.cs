using System.Text.Json.Nodes;
using PingYi.Domain.Evaluation;
using PingYi.Domain.Workflow;

namespace PingYi.Domain.Tests.Evaluation;

/// <summary>Every round file in workflows/evaluation loads; the 2020 file says what the notice says; faults name file, path and problem.</summary>
public sealed class RoundFileTests
{
    private static string Folder => RepoPaths.Combine("workflows", "evaluation");

    [Fact]
    public void The_current_questionnaires_ask_nothing_about_the_covid_response_of_2020()
    {
        // The 2020 round is history and keeps its wording; a 2026 respondent is not asked about 新冠肺炎疫情防控.
        var round = EvaluationRoundLoader.LoadFile(Path.Combine(Folder, "2026.json"));
        var labels = round.Questionnaires.Values.SelectMany(q => q.Items).Select(i => i.Label).ToList();
        Assert.NotEmpty(labels);
        Assert.DoesNotContain(labels, l => l.Contains("新冠", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_round_file_loads_and_is_named_for_its_year()
    {
        var rounds = EvaluationRoundLoader.LoadDirectory(Folder);
        Assert.Contains(rounds, r => r.Year == 2020);
        Assert.Contains(rounds, r => r.Year == 2026);
        foreach (var round in rounds)
        {
            Assert.Equal($"{round.Year}.json", Path.GetFileName(round.Source));
            Assert.Equal(1.0, round.Sources.Sum(s => s.Weight), 6);
            Assert.Equal(EvaluationCodes.Sources.Order(), round.Sources.Select(s => s.Code).Order());
        }
    }

    [Fact]
    public void The_2020_round_follows_the_notice()
    {
        var round = EvaluationRoundLoader.LoadFile(Path.Combine(Folder, "2020.json"));
        // 评议时间：2020年8月中旬至12月上旬
        Assert.Equal(8, round.PeriodStart.Month);
        Assert.InRange(round.PeriodStart.Day, 11, 20);
        Assert.Equal(12, round.PeriodEnd.Month);
        Assert.InRange(round.PeriodEnd.Day, 1, 10);
        // 9月1日前报实施方案；11月30日前报自评情况报告
        Assert.Equal(new DateOnly(2020, 9, 1), round.FindMilestone("implementation-plan")!.Due);
        Assert.Equal(new DateOnly(2020, 11, 30), round.FindMilestone("self-evaluation-report")!.Due);
        Assert.Equal(["satisfied", "basically-satisfied", "dissatisfied"], round.Overall.Options.Select(o => o.Code));
        Assert.True(round.LiaisonCovers("liaison@pingyi.local", "jyt"));
        Assert.False(round.LiaisonCovers("liaison@pingyi.local", "fgw"));
        Assert.Contains(round.QuestionnaireFor("service-hall").Items, i => i.Required);
        Assert.True(round.Severities["minor"].Points < round.Severities["major"].Points && round.Severities["major"].Points < round.Severities["serious"].Points);
    }

    [Fact]
    public void The_cap_of_ratings_per_account_and_unit_comes_from_the_file_and_defaults_to_10()
    {
        Assert.Equal(10, EvaluationRoundLoader.LoadFile(Path.Combine(Folder, "2020.json")).RatingsPerAccountAndUnit);
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(Folder, "2020.json")))!.AsObject();
        json["ratingForms"]!["maxPerAccountAndUnit"] = 3;
        Assert.Equal(3, EvaluationRoundLoader.Parse(json.ToJsonString(), "2020.json").RatingsPerAccountAndUnit);
        json.Remove("ratingForms");
        Assert.Equal(EvaluationRoundDefinition.DefaultRatingsPerAccountAndUnit, EvaluationRoundLoader.Parse(json.ToJsonString(), "2020.json").RatingsPerAccountAndUnit);
    }

    [Fact]
    public void The_preview_after_closing_comes_from_the_file_and_defaults_to_5_working_days()
    {
        // 2020 has no preview block (it predates appeals) and keeps loading.
        Assert.Equal(AppealCodes.DefaultPreviewWorkingDays, EvaluationRoundLoader.LoadFile(Path.Combine(Folder, "2020.json")).PreviewWorkingDays);
        Assert.Equal(5, EvaluationRoundLoader.LoadFile(Path.Combine(Folder, "2026.json")).PreviewWorkingDays);
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(Folder, "2026.json")))!.AsObject();
        json["preview"]!["workingDays"] = 8;
        Assert.Equal(8, EvaluationRoundLoader.Parse(json.ToJsonString(), "2026.json").PreviewWorkingDays);
        json["preview"]!["workingDays"] = 31;
        var e = Assert.Throws<EvaluationRoundException>(() => EvaluationRoundLoader.Parse(json.ToJsonString(), "2026.json"));
        Assert.Contains("$.preview.workingDays: 1–30 working days", e.Message);
    }

    [Fact]
    public void The_tracking_list_follow_up_comes_from_the_file_and_a_bad_one_is_refused_where_it_is_wrong()
    {
        // 2020's file predates the follow-up and sets none; 2026's sets it.
        Assert.Null(EvaluationRoundLoader.LoadFile(Path.Combine(Folder, "2020.json")).TrackingList);
        Assert.Equal(new TrackingListFollowUpRules(new DateOnly(2026, 9, 15), new DateOnly(2026, 11, 30), 1),
            EvaluationRoundLoader.LoadFile(Path.Combine(Folder, "2026.json")).TrackingList);
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(Folder, "2026.json")))!.AsObject();

        json["trackingList"]!["rectifiedDue"] = "2026-09-01";
        Assert.Contains("$.trackingList.rectifiedDue: after planDue (2026-09-15)",
            Assert.Throws<EvaluationRoundException>(() => EvaluationRoundLoader.Parse(json.ToJsonString(), "2026.json")).Message);
        json["trackingList"]!["rectifiedDue"] = "2026-11-30";
        json["trackingList"]!["planDue"] = "2026-03-01";
        Assert.Contains("$.trackingList.planDue: a date in the period (2026-08-17 to 2026-12-10)",
            Assert.Throws<EvaluationRoundException>(() => EvaluationRoundLoader.Parse(json.ToJsonString(), "2026.json")).Message);
        json["trackingList"]!["planDue"] = "2026-09-15";
        json["trackingList"]!["extraInspections"] = 0;
        Assert.Contains("$.trackingList.extraInspections",
            Assert.Throws<EvaluationRoundException>(() => EvaluationRoundLoader.Parse(json.ToJsonString(), "2026.json")).Message);
        json["trackingList"]!["extraInspections"] = 2;
        json["trackingList"]!["extra"] = true;
        Assert.Contains("$.trackingList",
            Assert.Throws<EvaluationRoundException>(() => EvaluationRoundLoader.Parse(json.ToJsonString(), "2026.json")).Message);
    }

    [Fact]
    public void Reminders_fall_7_and_1_days_before_each_due_date_and_the_day_after()
    {
        var round = EvaluationRoundLoader.LoadFile(Path.Combine(Folder, "2020.json"));
        var dates = SelfEvaluationSchedule.Dates(round).Select(d => (d.Milestone.Code, d.Kind, d.SendOn)).ToList();
        Assert.Equal(
        [
            ("implementation-plan", ReminderKind.Before, new DateOnly(2020, 8, 25)),
            ("implementation-plan", ReminderKind.Before, new DateOnly(2020, 8, 31)),
            ("implementation-plan", ReminderKind.After, new DateOnly(2020, 9, 2)),
            ("self-evaluation-report", ReminderKind.Before, new DateOnly(2020, 11, 23)),
            ("self-evaluation-report", ReminderKind.Before, new DateOnly(2020, 11, 29)),
            ("self-evaluation-report", ReminderKind.After, new DateOnly(2020, 12, 1)),
        ], dates);
        Assert.Empty(SelfEvaluationSchedule.DueOn(round, new DateOnly(2020, 11, 30)));
    }

    public static TheoryData<string, string> Faults => new()
    {
        { "weights", "$.sources: the weights must add up to 1" },
        { "missing-source", "$.sources: source 'channel' is missing" },
        { "unknown-scale", "$.questionnaires.deputies.items[0].scale: unknown scale 'stars'" },
        { "overall-scale", "$.ratingScales.satisfaction.options: the overall scale's options must be" },
        { "bad-date", "$.milestones[0].due: expected a date written yyyy-MM-dd" },
        { "unknown-property", "$.period.middle: unknown property 'middle'" },
        { "malformed", "$: malformed JSON at line" },
        { "rating-cap", "$.ratingForms.maxPerAccountAndUnit" },
        { "uncoded-weight", "$.publicSurvey.uncodedWeight: a weight is 0–1" },
        { "code-days", "$.publicSurvey.codeValidDays: 1–366 days" },
        { "burst", "$.publicSurvey.review.burstAnswers: a burst is at least 2 answers" },
        { "legacy-channel", "$.channel.basicallySatisfiedCredit: the channel block is made of rates now" },
        // 及时签收率 is weighed now (the sign action exists): its weight counts toward the sum like any other.
        { "signed-on-time", "$.channel.weights: the weights must add up to 1, found 1.1" },
        { "channel-weights", "$.channel.weights: the weights must add up to 1" },
        { "full-marks", "$.channel.noCases: unknown policy 'full-marks'" },
        { "count-in", "$.channel.countIn: unknown rule 'period'" },
        { "unrated", "$.channel.unrated.countAs: unknown rule 'ignore'" },
        { "min-cases", "$.channel.minCases: missing" },
        // One finding is punished once: a file must say which punishes it, and nothing that allows both.
        { "finding-both", "$.deductions.findingPunishedBy: 'both' would not punish a finding exactly once; name which punishes it: inspection or deduction" },
        { "finding-neither", "$.deductions.findingPunishedBy: missing: inspection severities carry points" },
    };

    [Fact]
    public void A_file_whose_severities_carry_no_points_need_not_say_which_punishes_a_finding()
    {
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(Folder, "2020.json")))!;
        json["deductions"]!.AsObject().Remove("findingPunishedBy");
        foreach (var severity in json["inspection"]!["severities"]!.AsObject())
        {
            severity.Value!["points"] = 0;
        }
        Assert.Null(EvaluationRoundLoader.Parse(json.ToJsonString(), "2020.json").Deductions.FindingPunishedBy);
        json["deductions"]!["findingPunishedBy"] = "inspection";
        Assert.Equal(FindingPunishment.Inspection, EvaluationRoundLoader.Parse(json.ToJsonString(), "2020.json").Deductions.FindingPunishedBy);
    }

    [Fact]
    public void A_version_stored_before_the_finding_rule_is_read_as_it_was_approved_and_a_new_upload_is_not()
    {
        // Severities carry points and the file names no rule: stored by a release before the rule existed.
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(Folder, "2020.json")))!;
        json["deductions"]!.AsObject().Remove("findingPunishedBy");
        Assert.Null(EvaluationRoundLoader.ParseStored(json.ToJsonString(), "2020.json").Deductions.FindingPunishedBy);
        var refused = Assert.Throws<EvaluationRoundException>(() => EvaluationRoundLoader.Parse(json.ToJsonString(), "2020.json"));
        Assert.Equal("$.deductions.findingPunishedBy", refused.JsonPath);
        // Everything else is checked as strictly as ever.
        json["year"] = 1999;
        Assert.Throws<EvaluationRoundException>(() => EvaluationRoundLoader.ParseStored(json.ToJsonString(), "2020.json"));
    }

    [Fact]
    public void The_public_survey_channels_default_to_today_in_2020_and_2026_proposes_a_lower_uncoded_weight()
    {
        var rounds = EvaluationRoundLoader.LoadDirectory(Folder);
        var y2020 = rounds.Single(r => r.Year == 2020).PublicSurvey;
        Assert.Equal((1.0, 30, 5, 10), (y2020.UncodedWeight, y2020.CodeValidDays, y2020.BurstAnswers, y2020.BurstMinutes));
        Assert.Equal(0.3, rounds.Single(r => r.Year == 2026).PublicSurvey.UncodedWeight);
    }

    [Fact]
    public void The_2026_round_weighs_signing_on_time_and_keeps_the_other_rates_in_proportion()
    {
        var w = EvaluationRoundLoader.LoadDirectory(Folder).Single(r => r.Year == 2026).Channel.Weights;
        Assert.Equal(0.1, w[ChannelRates.SignedOnTime]);
        // Without signing data (cases under workflow v1/v2) the six others re-weight to the earlier proposal exactly.
        Assert.Equal([0.25, 0.1, 0.2, 0.25, 0.1, 0.1],
            new[] { ChannelRates.ClosedOnTime, ChannelRates.Overdue, ChannelRates.Resolved, ChannelRates.Satisfied, ChannelRates.Quality, ChannelRates.Rework }
                .Select(k => Math.Round(w[k] / 0.9, 12)));
    }

    [Theory]
    [MemberData(nameof(Faults))]
    public void A_bad_round_file_is_one_fault_naming_file_path_and_problem(string fault, string expected)
    {
        var text = File.ReadAllText(Path.Combine(Folder, "2020.json"));
        var json = JsonNode.Parse(text)!;
        switch (fault)
        {
            case "weights":
                json["sources"]![0]!["weight"] = 0.5;
                break;
            case "missing-source":
                json["sources"]!.AsArray().RemoveAt(5);
                break;
            case "unknown-scale":
                json["questionnaires"]!["deputies"]!["items"]![0]!["scale"] = "stars";
                break;
            case "overall-scale":
                json["ratingScales"]!["satisfaction"]!["options"]!.AsArray().RemoveAt(1);
                break;
            case "bad-date":
                json["milestones"]![0]!["due"] = "9月1日";
                break;
            case "unknown-property":
                json["period"]!["middle"] = "2020-10-01";
                break;
            case "rating-cap":
                json["ratingForms"]!["maxPerAccountAndUnit"] = 0;
                break;
            case "uncoded-weight":
                json["publicSurvey"]!["uncodedWeight"] = 1.5;
                break;
            case "code-days":
                json["publicSurvey"]!["codeValidDays"] = 0;
                break;
            case "burst":
                json["publicSurvey"]!["review"] = new JsonObject { ["burstAnswers"] = 1, ["burstMinutes"] = 10 };
                break;
            case "legacy-channel":
                json["channel"]!["basicallySatisfiedCredit"] = 0.6;
                break;
            case "signed-on-time":
                json["channel"]!["weights"]!["signedOnTime"] = 0.1;
                break;
            case "channel-weights":
                json["channel"]!["weights"]!["quality"] = 0.3;
                break;
            case "full-marks":
                json["channel"]!["noCases"] = "full-marks";
                break;
            case "count-in":
                json["channel"]!["countIn"] = "period";
                break;
            case "unrated":
                json["channel"]!["unrated"]!["countAs"] = "ignore";
                break;
            case "min-cases":
                json["channel"]!.AsObject().Remove("minCases");
                break;
            case "finding-both":
                json["deductions"]!["findingPunishedBy"] = "both";
                break;
            case "finding-neither":
                json["deductions"]!.AsObject().Remove("findingPunishedBy");
                break;
        }
        var broken = fault == "malformed" ? text.Replace("\"year\": 2020,", "\"year\": 2020", StringComparison.Ordinal) : json.ToJsonString();
        var ex = Assert.Throws<EvaluationRoundException>(() => EvaluationRoundLoader.Parse(broken, "2020.json"));
        Assert.StartsWith("2020.json: ", ex.Message, StringComparison.Ordinal);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void The_file_name_must_agree_with_the_year()
    {
        var dir = Directory.CreateTempSubdirectory("pingyi-rounds-").FullName;
        try
        {
            File.Copy(Path.Combine(Folder, "2020.json"), Path.Combine(dir, "2021.json"));
            var ex = Assert.Throws<EvaluationRoundException>(() => EvaluationRoundLoader.LoadDirectory(dir));
            Assert.Contains("2021.json: $.year: the year 2020 does not match the file name 2021.json", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void The_workflow_loader_keeps_its_messages_through_the_shared_reader()
    {
        var ex = Assert.Throws<WorkflowDefinitionException>(() => WorkflowDefinitionLoader.Parse("{ \"id\": 3 }", "x.json"));
        Assert.Equal("x.json: $.id: expected a string, found 3", ex.Message);
    }
}
