using System.Net;
using PingYi.Data;
using PingYi.Web.Tests.Infrastructure;
using static PingYi.Web.Tests.Infrastructure.StaffApi;

namespace PingYi.Web.Tests.Complaints.Handling;

/// <summary>
/// The lookup rate limit is there against guessing access codes (RateLimits: "a stricter one for anything that
/// checks an access code"). A signed-in supervisor reading cases checks no code and shares an office address
/// with colleagues, so the staff view must not be throttled by it. Provider-independent: SQLite only, with its
/// own app configured with a tiny lookup limit.
/// </summary>
public sealed class StaffRateLimitTests
{
    [Fact]
    public async Task A_supervisor_reading_cases_is_not_throttled_by_the_access_code_lookup_limit()
    {
        using var app = AppFactory.Create(DatabaseProvider.Sqlite, new Dictionary<string, string?> { ["RateLimits:LookupPerMinute"] = "2" });
        var api = StaffApi.For(app);
        var (number, _) = await api.LodgeAsync("限流-督办员查看");

        for (var i = 0; i < 5; i++)
        {
            await ExpectAsync(await api.GetAsync(Supervisor, $"/api/v1/complaints/{number}"), HttpStatusCode.OK);
        }
    }
}
