using System.Net;
using PingYi.Data;
using PingYi.Web.Tests.Infrastructure;
using static PingYi.Web.Tests.Handling.StaffApi;

namespace PingYi.Web.Tests.Handling;

/// <summary>
/// The lookup rate limit is there against guessing access codes (RateLimits: "a stricter one for anything that
/// checks an access code"). A signed-in supervisor reading cases checks no code and shares an office address
/// with colleagues, so the staff view must not be throttled by it. Provider-independent: SQLite only, with its
/// own app configured with a tiny lookup limit.
/// </summary>
public sealed class StaffRateLimitTests
{
    [Fact(Skip = "bug: GET /api/v1/complaints/{trackingNumber} serves both the complainant's lookup and the staff view (LookupComplaint.Map), and the whole endpoint has RequireRateLimiting(RateLimits.Lookup), partitioned by client address only. With the default 30 per minute, the third supervisor GET here (limit 2) is 429: staff behind one office address are throttled together as if guessing access codes. Exempt authenticated staff requests without X-Access-Code (or partition them per user with a generous limit).")]
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
