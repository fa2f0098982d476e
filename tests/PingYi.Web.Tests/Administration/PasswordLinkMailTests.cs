using System.Net;
using System.Text.Json.Nodes;
using PingYi.Web.Tests.Infrastructure;
using PingYi.Web.Tests.Notifications;
using static PingYi.Web.Tests.Infrastructure.StaffApi;

namespace PingYi.Web.Tests.Administration;

/// <summary>
/// Where a mail server is configured, the one-time link of a new account or a reset reaches the person's own
/// address through the outbox, besides being shown to the administrator; without one it is only shown.
/// </summary>
public abstract class PasswordLinkMailTests(MailAppFixture fixture)
{
    private readonly StaffApi _api = StaffApi.For(fixture.App);

    [Fact]
    public async Task The_link_of_a_new_account_and_of_a_reset_is_mailed_to_the_account_and_works_once()
    {
        var admin = new AdminApi(_api);
        var email = AdminApi.Email("link");
        var created = JsonNode.Parse(await ExpectAsync(await admin.PostAsync(Admin, "/api/v1/admin/users", new JsonObject
        {
            ["email"] = email, ["displayName"] = "柳青", ["role"] = "supervisor", ["active"] = true,
        }), HttpStatusCode.Created))!;
        Assert.True(created["emailed"]!.GetValue<bool>());
        var id = created["user"]!["id"]!.GetValue<string>();
        var shown = created["passwordLink"]!.GetValue<string>();

        await Outbox.RunJobAsync(_api, "outbox");
        var mail = Assert.Single(fixture.Smtp.Received, m => m.To.Mailboxes.Any(b => b.Address == email));
        Assert.Equal("评议系统：请设置您的登录密码", mail.Subject);
        Assert.Contains("柳青", mail.TextBody);
        Assert.Contains("开通", mail.TextBody);
        Assert.Contains(shown, mail.TextBody);

        // The link in the mail sets the password once; a second use is refused.
        await ExpectAsync(await admin.SetPasswordAsync(shown, AdminApi.StrongPassword), HttpStatusCode.NoContent);
        Assert.NotEqual(HttpStatusCode.NoContent, (await admin.SetPasswordAsync(shown, "Noch-Ein-Passwort-9")).StatusCode);

        var reset = JsonNode.Parse(await ExpectAsync(await (await _api.AsAsync(Admin)).PostAsync($"/api/v1/admin/users/{id}/reset-password", null), HttpStatusCode.OK))!;
        Assert.True(reset["emailed"]!.GetValue<bool>());
        await Outbox.RunJobAsync(_api, "outbox");
        var resetMail = fixture.Smtp.Received.Where(m => m.To.Mailboxes.Any(b => b.Address == email)).ToList();
        Assert.Equal(2, resetMail.Count);
        var resetLink = reset["passwordLink"]!.GetValue<string>();
        Assert.Contains(resetMail, m => (m.TextBody ?? "").Contains("重置", StringComparison.Ordinal) && (m.TextBody ?? "").Contains(resetLink, StringComparison.Ordinal));
    }
}

public sealed class SqlitePasswordLinkMailTests(SqliteMailApp fixture) : PasswordLinkMailTests(fixture), IClassFixture<SqliteMailApp>;

public sealed class PostgresPasswordLinkMailTests(PostgresMailApp fixture) : PasswordLinkMailTests(fixture), IClassFixture<PostgresMailApp>;
