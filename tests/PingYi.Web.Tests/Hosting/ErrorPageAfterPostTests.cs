using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using PingYi.Data;
using PingYi.Web.Tests.Infrastructure;
using static PingYi.Web.Tests.Infrastructure.TestData;

namespace PingYi.Web.Tests.Hosting;

/// <summary>
/// A form post that fails, outside Development: the exception handler and the status-code pages re-execute
/// <c>/error</c> with the original verb (POST) and the body already read. The browser must still get the site's
/// Chinese error page with the right status — not a bare 400 from an antiforgery check of the re-executed POST,
/// nor an empty answer.
/// </summary>
public abstract partial class ErrorPageAfterPostTests : IDisposable
{
    private readonly FailingSave _fault = new();
    private readonly AppFactory _app;

    protected ErrorPageAfterPostTests(DatabaseProvider provider)
    {
        _app = AppFactory.Create(provider, new Dictionary<string, string?>
            {
                ["DataProtection:AllowUnprotectedKeys"] = "true",
                ["Https:BehindTlsProxy"] = "true",
                ["Bootstrap:AdminEmail"] = ProductionAppFixture.AdminEmail,
                ["Bootstrap:AdminPassword"] = ProductionAppFixture.AdminPassword,
            }, services: s =>
            {
                s.AddSingleton(_fault);
                s.AddSingleton<IInterceptor>(_fault);
            })
            .InEnvironment("Staging");
        _app.ClientOptions.BaseAddress = AppFactory.ProductionAddress;
    }

    [Fact]
    public async Task A_form_post_that_crashes_gets_the_chinese_500_page()
    {
        var admin = await ProductionAppFixture.BearerAsync(_app, ProductionAppFixture.AdminEmail, ProductionAppFixture.AdminPassword);
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsync("/api/v1/admin/units", Json(PingYi.Web.Tests.Administration.AdminApi.Unit(DemoUnit, "省教育厅")))).StatusCode);
        var client = _app.CreateClient();
        var form = await client.GetStringAsync("/complaints/new");

        _fault.Armed = true;
        var response = await client.PostAsync("/complaints/new", Intake(AntiforgeryToken().Match(form).Groups[1].Value, FormToken().Match(form).Groups[1].Value));

        Assert.True(_fault.Thrown, "the injected fault did not fire: the test proves nothing");
        await AssertErrorPageAsync(response, HttpStatusCode.InternalServerError, "出错了");
    }

    [Fact]
    public async Task A_form_post_refused_by_the_antiforgery_check_gets_the_chinese_400_page()
    {
        var client = _app.CreateClient();

        // No token: the page's own antiforgery check refuses it; /error/400 is re-executed as the same POST.
        var response = await client.PostAsync("/complaints/new", Intake(token: null, formToken: null));

        await AssertErrorPageAsync(response, HttpStatusCode.BadRequest, "请求无效");
    }

    private static async Task AssertErrorPageAsync(HttpResponseMessage response, HttpStatusCode status, string title)
    {
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {html[..Math.Min(html.Length, 400)]}");
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<html lang=\"zh-CN\"", html, StringComparison.Ordinal);
        Assert.Contains($"<h1>{title}</h1>", html, StringComparison.Ordinal);
        Assert.Contains("id=\"error-message\"", html, StringComparison.Ordinal);
        // The site's header and way back, not a bare message.
        Assert.Contains("href=\"/track\"", html, StringComparison.Ordinal);
    }

    private static MultipartFormDataContent Intake(string? token, string? formToken)
    {
        var content = new MultipartFormDataContent();
        void Add(string name, string value) => content.Add(new StringContent(value), name);
        if (token is not null)
        {
            Add("__RequestVerificationToken", token);
        }
        if (formToken is not null)
        {
            Add("FormToken", formToken);
        }
        Add("Input.UnitCode", DemoUnit);
        Add("Input.Category", "formalism");
        Add("Input.Title", "提交时服务器出错");
        Add("Input.Description", "区教育局要求学校在一周内提交同一检查的三套纸质材料。");
        Add("Input.Anonymous", "true");
        return content;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();

    [GeneratedRegex("<input[^>]*name=\"FormToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex FormToken();

    public void Dispose()
    {
        _app.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Once armed, the next save throws, as a database that went away mid-request would.</summary>
    private sealed class FailingSave : SaveChangesInterceptor
    {
        public volatile bool Armed;

        public bool Thrown { get; private set; }

        public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            if (Armed)
            {
                Armed = false;
                Thrown = true;
                throw new InvalidOperationException("Injected fault: the database went away while saving the complaint.");
            }
            return base.SavingChangesAsync(eventData, result, cancellationToken);
        }
    }
}

public sealed class SqliteErrorPageAfterPostTests() : ErrorPageAfterPostTests(DatabaseProvider.Sqlite);

public sealed class PostgresErrorPageAfterPostTests() : ErrorPageAfterPostTests(DatabaseProvider.Postgres);
