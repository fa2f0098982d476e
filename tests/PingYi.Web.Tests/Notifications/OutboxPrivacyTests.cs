using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using PingYi.Data.Outbox;
using PingYi.Web.Tests.Infrastructure;
using static PingYi.Web.Tests.Infrastructure.StaffApi;

namespace PingYi.Web.Tests.Notifications;

/// <summary>
/// The administrators' outbox and the complainant's identity (PIPL), on both databases: mail to a complainant is
/// listed and shown masked, the full message needs a reason that is audited, and once sent the row keeps only a
/// hash of the address.
/// </summary>
public abstract partial class OutboxPrivacyTests(MailAppFixture fixture)
{
    private readonly StaffApi _api = StaffApi.For(fixture.App);

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();

    private async Task<HttpClient> CookieClientAsync(string email)
    {
        var client = fixture.App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        await ExpectAsync(await client.PostAsync("/api/v1/auth/login?useCookies=true&useSessionCookies=true",
            TestData.Json(new JsonObject { ["email"] = email, ["password"] = Password })), HttpStatusCode.OK);
        return client;
    }

    [Fact]
    public async Task Mail_to_a_complainant_is_masked_in_the_outbox_shown_in_full_only_with_an_audited_reason_and_its_address_dropped_once_sent()
    {
        var who = Complainant.Distinct();
        var (number, _) = await _api.LodgeAsync(Named(StaffApi.Complaint(Token("发件箱")), who));
        await ExpectAsync(await _api.ActAsync(Supervisor, number, "assign", new { unitCode = "jyt" }), HttpStatusCode.OK);
        var row = (await Outbox.RowsAsync(fixture.App, number)).Single(r => r.Recipient == who.Email);
        Assert.True(row.ToComplainant);

        var admin = await CookieClientAsync(Admin);
        var list = WebUtility.HtmlDecode(await ExpectAsync(await admin.GetAsync("/staff/admin/outbox"), HttpStatusCode.OK));
        Assert.DoesNotContain(who.Email, list, StringComparison.OrdinalIgnoreCase);
        var masked = who.Email[0] + "***@example.org";
        var entry = list[list.IndexOf($"data-id=\"{row.Id}\"", StringComparison.Ordinal)..];
        entry = entry[..entry.IndexOf("</div>\n    </div>", StringComparison.Ordinal)];
        Assert.Contains(masked, entry, StringComparison.Ordinal);
        Assert.DoesNotContain(number, entry, StringComparison.Ordinal);

        var detail = WebUtility.HtmlDecode(await ExpectAsync(await admin.GetAsync($"/staff/admin/outbox/{row.Id}"), HttpStatusCode.OK));
        Assert.DoesNotContain(who.Email, detail, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(number, detail, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"text-body\"", detail, StringComparison.Ordinal);
        Assert.Contains("查看完整邮件", detail, StringComparison.Ordinal);

        var token = AntiforgeryToken().Match(detail).Groups[1].Value;
        var noReason = await admin.PostAsync($"/staff/admin/outbox/{row.Id}?handler=reveal",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token, ["Reason"] = " " }));
        Assert.Contains("请填写查看理由", await ExpectAsync(noReason, HttpStatusCode.BadRequest), StringComparison.Ordinal);
        var reveal = await admin.PostAsync($"/staff/admin/outbox/{row.Id}?handler=reveal",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token, ["Reason"] = "核实退信原因" }));
        Assert.Equal(HttpStatusCode.Redirect, reveal.StatusCode);
        var full = WebUtility.HtmlDecode(await ExpectAsync(await admin.GetAsync($"/staff/admin/outbox/{row.Id}"), HttpStatusCode.OK));
        Assert.Contains(who.Email, full, StringComparison.Ordinal);
        Assert.Contains(number, full, StringComparison.Ordinal);
        Assert.Contains("id=\"text-body\"", full, StringComparison.Ordinal);
        // One reveal, one view.
        Assert.DoesNotContain(who.Email, WebUtility.HtmlDecode(await ExpectAsync(await admin.GetAsync($"/staff/admin/outbox/{row.Id}"), HttpStatusCode.OK)), StringComparison.Ordinal);
        var audit = JsonNode.Parse(await ExpectAsync(await _api.GetAsync(Admin, "/api/v1/admin/audit?kind=outbox.revealed&limit=100"), HttpStatusCode.OK))!["items"]!.AsArray();
        var record = Assert.Single(audit, a => a!["target"]!.GetValue<string>() == $"outbox:{row.Id}")!;
        Assert.Equal("核实退信原因", record["after"]!["reason"]!.GetValue<string>());

        await Outbox.RunJobAsync(_api, "outbox");
        var rows = await Outbox.RowsAsync(fixture.App, number);
        Assert.All(rows, r => Assert.Equal(OutboxState.Sent, r.State));
        var sent = rows.Single(r => r.Id == row.Id);
        Assert.Equal(OutboxMessage.DroppedRecipient, sent.Recipient);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(who.Email.ToLowerInvariant()))), sent.RecipientHash);
        // Staff mail keeps its recipients.
        Assert.Contains(rows, r => r.Recipient == "jyt@pingyi.local");
        Assert.Single(fixture.Smtp.About(number), m => m.To.Mailboxes.Single().Address == who.Email);
    }
}

public sealed class SqliteOutboxPrivacyTests(SqliteMailApp fixture) : OutboxPrivacyTests(fixture), IClassFixture<SqliteMailApp>;

public sealed class PostgresOutboxPrivacyTests(PostgresMailApp fixture) : OutboxPrivacyTests(fixture), IClassFixture<PostgresMailApp>;
