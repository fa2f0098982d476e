using System.Net;
using PingYi.Web.Tests.Infrastructure;
using PingYi.Web.Tests.Security;
using static PingYi.Web.Tests.Infrastructure.StaffApi;

namespace PingYi.Web.Tests.Complaints.Handling;

/// <summary>
/// The reason typed to reveal a complainant's identity is on the record where supervisors and administrators look:
/// the case's timeline and the audit log (its own kind). The unit's handler sees neither the entry nor the reason.
/// </summary>
public abstract class RevealReasonTests(AppFixture fixture)
{
    private readonly StaffApi _api = StaffApi.For(fixture.App);

    [Fact]
    public async Task The_reason_shows_in_the_supervisors_timeline_and_the_audit_log_and_never_to_the_unit()
    {
        var who = Complainant.Distinct();
        var (number, _) = await _api.LodgeAsync(Named(Complaint("实名反映：窗口推诿"), who));
        await ExpectAsync(await _api.ActAsync(Supervisor, number, "assign", new { unitCode = "jyt" }), HttpStatusCode.OK);
        var reason = "回访前核实联系方式" + Token("R");

        var supervisor = new PageBrowser(fixture.App);
        Assert.Equal(HttpStatusCode.Redirect, (await supervisor.SignInAsync(Supervisor, Password)).StatusCode);
        var detail = $"/staff/complaints/{number}";
        var revealed = await supervisor.SubmitAsync(detail, new Dictionary<string, string> { ["reason"] = reason }, $"{detail}?handler=Contact");
        Assert.Equal(HttpStatusCode.Redirect, revealed.StatusCode);

        // The supervisor's timeline: the entry with its reason.
        var page = await ExpectAsync(await supervisor.GetAsync(detail), HttpStatusCode.OK);
        Assert.Contains("查看理由", page);
        Assert.Contains(reason, page);

        // The audit log: its own kind, with the case and the reason, by the supervisor.
        var audit = Readable(await ExpectAsync(await _api.GetAsync(Admin, "/api/v1/admin/audit?kind=complaint.complainant-viewed"), HttpStatusCode.OK));
        Assert.Contains(reason, audit);
        Assert.Contains(number, audit);
        var auditPage = new PageBrowser(fixture.App);
        Assert.Equal(HttpStatusCode.Redirect, (await auditPage.SignInAsync(Admin, Password)).StatusCode);
        var auditHtml = await ExpectAsync(await auditPage.GetAsync("/staff/admin/audit?kind=complaint.complainant-viewed"), HttpStatusCode.OK);
        Assert.Contains("查看反映人身份信息", auditHtml);
        Assert.Contains(reason, auditHtml);

        // The unit's handler: neither on the page nor in the API.
        var handler = new PageBrowser(fixture.App);
        Assert.Equal(HttpStatusCode.Redirect, (await handler.SignInAsync(Handler("jyt"), Password)).StatusCode);
        var handlerPage = await ExpectAsync(await handler.GetAsync(detail), HttpStatusCode.OK);
        Assert.DoesNotContain(reason, handlerPage);
        Assert.DoesNotContain("查看理由", handlerPage);
        var handlerApi = Readable(await ExpectAsync(await _api.GetAsync(Handler("jyt"), $"/api/v1/complaints/{number}"), HttpStatusCode.OK));
        Assert.DoesNotContain(reason, handlerApi);
        who.AssertAbsentFrom(handlerApi, "the unit's API view");
    }
}

public sealed class SqliteRevealReasonTests(SqliteApp fixture) : RevealReasonTests(fixture), IClassFixture<SqliteApp>;

public sealed class PostgresRevealReasonTests(PostgresApp fixture) : RevealReasonTests(fixture), IClassFixture<PostgresApp>;
