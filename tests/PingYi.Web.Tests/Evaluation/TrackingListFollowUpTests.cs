using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using PingYi.Web.Tests.Infrastructure;
using static PingYi.Web.Tests.Infrastructure.StaffApi;

namespace PingYi.Web.Tests.Evaluation;

/// <summary>
/// The tracking list followed up: the units in the bottom two of exactly the year before get their rectification
/// plan and rectification on the 整改台账 when the round opens, and stay on the inspectors' worklist until inspected.
/// </summary>
public abstract class TrackingListFollowUpTests(AppFixture fixture)
{
    private readonly StaffApi _api = StaffApi.For(fixture.App);

    [Fact]
    public async Task Opening_a_round_gives_last_years_tracking_list_its_ledger_items_and_extra_inspections()
    {
        // 2025's result, imported: rh and tjj were the central category's bottom two.
        await ImportPriorAsync(2025, "单位代码,类别,排名,重点跟踪对象\nswj,中直单位,1,否\nhg,中直单位,2,否\nrh,中直单位,3,是\ntjj,中直单位,4,是\n");
        await ExpectAsync(await (await _api.AsAsync(Supervisor)).PostAsync("/api/v1/evaluations/2026/open", TestData.Json(new JsonObject())), HttpStatusCode.OK);

        var view = await FollowUpAsync(Supervisor);
        Assert.Equal(2025, view["previousYear"]!.GetValue<int>());
        Assert.Equal(1, view["extraInspections"]!.GetValue<int>());
        var units = view["units"]!.AsArray();
        Assert.Equal(["rh", "tjj"], units.Select(u => u!["unitCode"]!.GetValue<string>()));
        foreach (var unit in units)
        {
            Assert.Equal(1, unit!["inspectionsDue"]!.GetValue<int>());
            var ledger = unit["ledger"]!.AsArray();
            Assert.Equal(["2026-09-15", "2026-11-30"], ledger.Select(l => l!["dueOn"]!.GetValue<string>()));
            Assert.All(ledger, l => Assert.Equal("open", l!["status"]!.GetValue<string>()));
            Assert.Contains("整改方案", ledger[0]!["problem"]!.GetValue<string>());
        }

        // The unit sees them on its own ledger, from the prior year's result; a unit not on the list has none.
        var own = JsonNode.Parse(await ExpectAsync(await _api.GetAsync(Handler("tjj"), "/api/v1/evaluations/2026/ledger"), HttpStatusCode.OK))!["items"]!.AsArray();
        Assert.Equal(2, own.Count(i => i!["source"]!.GetValue<string>() == "prior-year"));
        var swj = JsonNode.Parse(await ExpectAsync(await _api.GetAsync(Handler("swj"), "/api/v1/evaluations/2026/ledger"), HttpStatusCode.OK))!["items"]!.AsArray();
        Assert.DoesNotContain(swj, i => i!["source"]!.GetValue<string>() == "prior-year");

        // The inspectors' worklist shows both until each is inspected once.
        var page = await ExpectAsync(await _api.GetAsync(Inspector, "/staff/evaluation/inspect"), HttpStatusCode.OK);
        Assert.Contains("重点跟踪对象（2025 年度类别后两名）", page);
        Assert.Contains("data-unit=\"tjj\" data-due=\"1\"", page);
        await ExpectAsync(await (await _api.AsAsync(Inspector)).PostAsync("/api/v1/evaluations/2026/inspections", TestData.Json(new JsonObject
        {
            ["unitCode"] = "tjj", ["date"] = "2026-11-20", ["covert"] = true, ["findings"] = new JsonArray(), ["rating"] = "satisfied",
        })), HttpStatusCode.Created);
        var after = (await FollowUpAsync(Inspector))["units"]!.AsArray();
        Assert.Equal(0, after.Single(u => u!["unitCode"]!.GetValue<string>() == "tjj")!["inspectionsDue"]!.GetValue<int>());
        Assert.Equal(1, after.Single(u => u!["unitCode"]!.GetValue<string>() == "rh")!["inspectionsDue"]!.GetValue<int>());
        Assert.Contains("data-unit=\"tjj\" data-due=\"0\"", await ExpectAsync(await _api.GetAsync(Inspector, "/staff/evaluation/inspect"), HttpStatusCode.OK));

        // Nobody else reads the list.
        await ExpectProblemAsync(await _api.GetAsync(Handler("tjj"), "/api/v1/evaluations/2026/tracking-list"), HttpStatusCode.Forbidden);
        await ExpectProblemAsync(await _api.GetAsync(Supervisor, "/api/v1/evaluations/2031/tracking-list"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_units_dossier_shows_its_years_with_the_public_notice_and_only_to_the_unit_and_the_committee()
    {
        // hg was last in its category in 2023 and in 2024: two years running → 通报 in 2024.
        foreach (var year in new[] { 2023, 2024 })
        {
            await ImportPriorAsync(year, "单位代码,类别,排名,重点跟踪对象\nswj,中直单位,1,否\nrh,中直单位,2,否\ntjj,中直单位,3,是\nhg,中直单位,4,是\n");
        }

        var dossier = JsonNode.Parse(await ExpectAsync(await _api.GetAsync(Handler("hg"), "/api/v1/units/hg/dossier"), HttpStatusCode.OK))!;
        var years = dossier["years"]!.AsArray().Where(y => y!["year"]!.GetValue<int>() is 2023 or 2024).ToList();
        Assert.Equal([2024, 2023], years.Select(y => y!["year"]!.GetValue<int>()));
        Assert.All(years, y => Assert.Equal(4, y!["rank"]!.GetValue<int>()));
        Assert.All(years, y => Assert.True(y!["trackingList"]!.GetValue<bool>()));
        Assert.True(years[0]!["publicNotice"]!.GetValue<bool>());
        Assert.False(years[1]!["publicNotice"]!.GetValue<bool>());

        var page = await ExpectAsync(await _api.GetAsync(Supervisor, "/staff/dossier/hg"), HttpStatusCode.OK);
        Assert.Contains("列入重点跟踪、通报", page);
        // Another unit's handler cannot tell the dossier exists; an evaluator has none.
        await ExpectProblemAsync(await _api.GetAsync(Handler("tjj"), "/api/v1/units/hg/dossier"), HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.NotFound, (await _api.GetAsync(Handler("tjj"), "/staff/dossier/hg")).StatusCode);
        await ExpectProblemAsync(await _api.GetAsync("evaluator@pingyi.local", "/api/v1/units/hg/dossier"), HttpStatusCode.NotFound);
    }

    private async Task ImportPriorAsync(int year, string csv)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(csv));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(file, "file", $"prior-{year}.csv");
        await ExpectAsync(await (await _api.AsAsync(Supervisor)).PostAsync($"/api/v1/evaluations/{year}/prior-ranks", form), HttpStatusCode.OK);
    }

    private async Task<JsonNode> FollowUpAsync(string email) =>
        JsonNode.Parse(await ExpectAsync(await _api.GetAsync(email, "/api/v1/evaluations/2026/tracking-list"), HttpStatusCode.OK))!;
}

public sealed class SqliteTrackingListFollowUpTests(SqliteApp fixture) : TrackingListFollowUpTests(fixture), IClassFixture<SqliteApp>;

public sealed class PostgresTrackingListFollowUpTests(PostgresApp fixture) : TrackingListFollowUpTests(fixture), IClassFixture<PostgresApp>;
