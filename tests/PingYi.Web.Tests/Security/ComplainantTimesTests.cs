using System.Net;
using System.Text.Json.Nodes;
using PingYi.Web.Tests.Infrastructure;
using static PingYi.Web.Tests.Infrastructure.StaffApi;

namespace PingYi.Web.Tests.Security;

/// <summary>
/// Finding 2: a unit handler learns the day, not the second, of what the complainant did (lodged, added a
/// supplement, gave feedback), so the unit cannot match it against its own door or proxy logs. Supervisors see exact times.
/// </summary>
public abstract class ComplainantTimesTests(AppFixture fixture)
{
    private static readonly string JytHandler = Handler("jyt");
    private readonly StaffApi _api = StaffApi.For(fixture.App);

    /// <summary>00:00 China time (16:00 UTC the day before) of the China day of <paramref name="utc"/>.</summary>
    private static DateTime Day(DateTime utc)
    {
        var china = utc.AddHours(8).Date;
        return DateTime.SpecifyKind(china.AddHours(-8), DateTimeKind.Utc);
    }

    [Fact]
    public async Task A_handler_sees_the_day_of_the_complainants_acts_and_a_supervisor_the_exact_time()
    {
        // An odd time of day, so that "to the day" cannot pass by accident.
        _api.App.Time.Advance(TimeSpan.FromMinutes(137) + TimeSpan.FromSeconds(23));
        var title = Token("时间精度");
        var (number, code) = await _api.LodgeAsync(Complaint(title));
        var submitted = _api.Now;
        await _api.DoAsync(Supervisor, number, "assign", new { unitCode = "jyt" });

        _api.App.Time.Advance(TimeSpan.FromMinutes(41) + TimeSpan.FromSeconds(7));
        var supplement = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/complaints/{number}/supplements")
        {
            Content = TestData.Json(new JsonObject { ["text"] = "补充：当天上午十点左右。" }),
        };
        supplement.Headers.Add("X-Access-Code", code);
        await ExpectAsync(await _api.Anonymous.SendAsync(supplement), HttpStatusCode.NoContent);
        var supplemented = _api.Now;

        await _api.DoAsync(JytHandler, number, "respond", new { findings = "f", measures = "m", publicReply = "已整改。" });
        await _api.DoAsync(Supervisor, number, "approve", new { qualityRating = 5 });
        _api.App.Time.Advance(TimeSpan.FromMinutes(13) + TimeSpan.FromSeconds(51));
        await ExpectAsync(await _api.FeedbackAsync(number, code, "satisfied"), HttpStatusCode.OK);
        var rated = _api.Now;

        var handler = await _api.StaffViewAsync(JytHandler, number);
        Assert.Equal(Day(submitted), Date(handler["submittedAt"]));
        Assert.True(handler["complainantTimesAreDays"]!.GetValue<bool>());
        var acts = Acts(handler);
        Assert.Equal(Day(submitted), acts["submit"]);
        Assert.Equal(Day(supplemented), acts["supplement"]);
        Assert.Equal(Day(rated), acts["feedback"]);
        var listed = (await _api.ListAsync(JytHandler, $"?q={title}"))["items"]!.AsArray().Single()!;
        Assert.Equal(Day(submitted), Date(listed["submittedAt"]));

        var supervisor = await _api.StaffViewAsync(Supervisor, number);
        Assert.Equal(submitted, Date(supervisor["submittedAt"]));
        Assert.False(supervisor["complainantTimesAreDays"]!.GetValue<bool>());
        var exact = Acts(supervisor);
        Assert.Equal(submitted, exact["submit"]);
        Assert.Equal(supplemented, exact["supplement"]);
        Assert.Equal(rated, exact["feedback"]);

        // The list cursor must not carry the exact time either: it is sealed, not a readable timestamp.
        await _api.LodgeAsync(Complaint(title + "B"));
        var page = await _api.ListAsync(Supervisor, $"?q={title}&limit=1");
        var cursor = page["nextCursor"]!.GetValue<string>();
        Assert.DoesNotContain(submitted.Ticks.ToString(System.Globalization.CultureInfo.InvariantCulture), DecodeLoosely(cursor));
        Assert.Equal(number, (await _api.ListAsync(Supervisor, $"?q={title}&limit=1&cursor={Uri.EscapeDataString(cursor)}"))["items"]!.AsArray().Single()!["trackingNumber"]!.GetValue<string>());
    }

    private static Dictionary<string, DateTime?> Acts(JsonObject view) =>
        view["timeline"]!.AsArray()
            .Where(t => t!["action"]!.GetValue<string>() is "submit" or "supplement" or "feedback")
            .ToDictionary(t => t!["action"]!.GetValue<string>(), t => Date(t!["at"]));

    private static string DecodeLoosely(string cursor)
    {
        try
        {
            var padded = cursor.Replace('-', '+').Replace('_', '/');
            padded += new string('=', (4 - padded.Length % 4) % 4);
            return System.Text.Encoding.Latin1.GetString(Convert.FromBase64String(padded));
        }
        catch (FormatException)
        {
            return cursor;
        }
    }
}

public sealed class SqliteComplainantTimesTests(SqliteApp fixture) : ComplainantTimesTests(fixture), IClassFixture<SqliteApp>;

public sealed class PostgresComplainantTimesTests(PostgresApp fixture) : ComplainantTimesTests(fixture), IClassFixture<PostgresApp>;
