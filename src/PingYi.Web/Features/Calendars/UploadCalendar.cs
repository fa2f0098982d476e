using System.Security.Claims;
using System.Text;
using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Data.Identity;
using PingYi.Domain.Calendar;
using PingYi.Domain.Common;
using PingYi.Domain.Complaints;
using PingYi.Web.Features.Administration;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Calendars;

/// <summary>
/// An Admin uploads a year's holiday calendar (the holiday-cn JSON of <c>workflows/calendars/cn/</c>), published by
/// the State Council each late autumn. It is validated, stored in the database (so every node uses it; it overrides
/// the shipped file), and open cases whose deadline was counted Monday–Friday for that year are counted again.
/// The page and <c>PUT /api/v1/admin/calendars/{year}</c> both call <see cref="Handler"/>.
/// </summary>
public static class UploadCalendar
{
    public const int MaxBytes = 200_000;

    public sealed record Outcome(int Year, int Days, bool Replaced, int Recounted);

    public sealed class Handler(PingYiDbContext db, WorkflowRuntime workflows, AuditLog audit, TimeProvider time, ILogger<Handler> logger)
    {
        /// <summary>When each uploaded year was uploaded; years without an entry come with the program.</summary>
        public async Task<IReadOnlyDictionary<int, DateTime>> UploadsAsync(CancellationToken ct) =>
            await db.CalendarUploads.AsNoTracking().Select(u => new { u.Year, u.UploadedAtUtc }).ToDictionaryAsync(u => u.Year, u => u.UploadedAtUtc, ct);

        /// <inheritdoc cref="CalendarCoverage.MissingYearsAsync"/>
        public Task<IReadOnlySet<int>> MissingYearsAsync(CancellationToken ct) =>
            CalendarCoverage.MissingYearsAsync(db, workflows.Calendar, time.GetUtcNow().UtcDateTime, ct);

        public async Task<Result<Outcome>> HandleAsync(ClaimsPrincipal user, int year, string json, CancellationToken ct)
        {
            if (year is < 2000 or > 2100)
            {
                return RequestFailure.Invalid("年份无效", "year", "年份须在 2000 至 2100 之间。");
            }
            HolidayYear parsed;
            try
            {
                parsed = HolidayYear.Parse(json, $"{year}.json");
            }
            catch (CalendarDataException e)
            {
                return Invalid($"日历文件格式有误：{e.JsonPath}：{Chinese(e.Fault)}（格式与 workflows/calendars/cn/{year}.json 相同：year、papers、days[name, date, isOffDay]）。");
            }
            if (parsed.Year != year)
            {
                return Invalid($"文件中的年份 {parsed.Year} 与上传的年份 {year} 不一致。");
            }
            if (parsed.Days.Count == 0)
            {
                return Invalid("日历文件没有列出任何节假日或调休工作日。");
            }

            var uploads = await db.CalendarUploads.ToListAsync(ct);
            var existing = uploads.FirstOrDefault(u => u.Year == year);
            var otherYears = uploads.Where(u => u.Year != year).Select(u => (HolidayYear.Parse(u.Json, $"upload {u.Year}"), $"upload {u.Year}")).ToList();
            var coveredBefore = workflows.Calendar.HasDataFor(year);
            try
            {
                workflows.Preview(otherYears.Append((parsed, $"upload {year}")));
            }
            catch (CalendarDataException e)
            {
                return Invalid($"与相邻年份的日历冲突：{Chinese(e.Fault)}。");
            }

            var now = time.GetUtcNow().UtcDateTime;
            var before = existing is null ? null : new { year, days = HolidayYear.Parse(existing.Json, $"upload {year}").Days.Count, uploadedAtUtc = existing.UploadedAtUtc, uploadedBy = existing.UploadedBy };
            audit.Record(user, AuditKinds.CalendarUploaded, $"calendar:{year}", before, new { year, days = parsed.Days.Count });
            if (existing is null)
            {
                db.CalendarUploads.Add(new CalendarUpload { Year = year, Json = json, UploadedAtUtc = now, UploadedBy = user.UserId() ?? "unknown" });
            }
            else
            {
                existing.Json = json;
                existing.UploadedAtUtc = now;
                existing.UploadedBy = user.UserId() ?? "unknown";
            }
            await db.SaveChangesAsync(ct);
            workflows.UseUploadedYears(otherYears.Append((parsed, $"upload {year}")));
            logger.LogInformation("Holiday calendar {Year} uploaded ({Days} days listed).", year, parsed.Days.Count);

            var recounted = coveredBefore ? 0 : await RecountAsync(year, now, ct);
            return new Outcome(year, parsed.Days.Count, existing is not null, recounted);
        }

        /// <summary>
        /// Open cases whose deadline, or an open 督办 notice's reply deadline, reaches into <paramref name="year"/> were
        /// counted Monday–Friday there (the year had no calendar); count them again from their start. One save per case, so a lost race leaves that case
        /// to a later upload rather than failing the rest.
        /// </summary>
        private async Task<int> RecountAsync(int year, DateTime now, CancellationToken ct)
        {
            // A New Year break may start in the last days of the year before.
            var from = ChinaTime.StartOfDayUtc(new DateOnly(year - 1, 12, 25));
            var ids = await db.Complaints.AsNoTracking()
                .Where(c => ((c.Status == ComplaintStatus.Submitted || c.Status == ComplaintStatus.Assigned) && c.DueAtUtc >= from)
                            // An open 督办 notice's reply deadline was counted the same way.
                            || ((c.Status == ComplaintStatus.Assigned || c.Status == ComplaintStatus.UnderReview)
                                && c.SupervisionNotices.Any(n => n.IsOpen && n.DueAtUtc >= from)))
                .Select(c => c.Id)
                .ToListAsync(ct);
            var recounted = 0;
            foreach (var id in ids)
            {
                var complaint = await db.Complaints.Include(c => c.Events).Include(c => c.SupervisionNotices).SingleAsync(c => c.Id == id, ct);
                if (complaint.RecountDeadline(workflows.For(complaint), year, now))
                {
                    try
                    {
                        await db.SaveChangesAsync(ct);
                        recounted++;
                    }
                    catch (DbUpdateConcurrencyException)
                    {
                        logger.LogWarning("Complaint {Id} changed while its deadline was recounted; it keeps the deadline its latest action set.", id);
                    }
                }
                db.ChangeTracker.Clear();
            }
            return recounted;
        }

        private static RequestFailure Invalid(string message) =>
            RequestFailure.Invalid("日历文件无效", "calendar", message);

        // The calendar parser's faults are English for the start-up log; the few an upload can hit read in Chinese here.
        private static string Chinese(string fault) => fault switch
        {
            _ when fault.StartsWith("malformed JSON", StringComparison.Ordinal) => "不是有效的 JSON",
            "missing" => "缺少该字段",
            _ when fault.Contains("listed twice", StringComparison.Ordinal) => "同一日期重复列出",
            _ when fault.Contains("is not a date", StringComparison.Ordinal) => "日期应为 yyyy-MM-dd 格式",
            _ when fault.Contains("too far from", StringComparison.Ordinal) => "日期不属于该年份（或相邻年份的跨年假期）",
            _ when fault.Contains("contradicts", StringComparison.Ordinal) => "同一日期在两个年份文件中的安排不一致",
            _ when fault.Contains("true/false", StringComparison.Ordinal) => "isOffDay 应为 true 或 false",
            _ => "内容不符合格式要求",
        } + $"（{fault}）";
    }

    /// <summary>Loads the uploaded years into the runtime calendar; at start-up and periodically, so every node follows an upload.</summary>
    public static async Task ApplyStoredAsync(PingYiDbContext db, WorkflowRuntime workflows, CancellationToken ct)
    {
        var uploads = await db.CalendarUploads.AsNoTracking().OrderBy(u => u.Year).ToListAsync(ct);
        workflows.UseUploadedYears(uploads.Select(u => (HolidayYear.Parse(u.Json, $"upload {u.Year}"), $"upload {u.Year}")));
    }

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPut("/api/v1/admin/calendars/{year:int}", async (int year, HttpContext http, Handler handler, CancellationToken ct) =>
            {
                if (http.Request.ContentLength > MaxBytes)
                {
                    return RequestFailure.TooLarge("文件过大", "calendar", $"日历文件不能超过 {MaxBytes / 1000} KB。").ToProblem();
                }
                using var reader = new StreamReader(http.Request.Body, Encoding.UTF8);
                var json = await reader.ReadToEndAsync(ct);
                var result = await handler.HandleAsync(http.User, year, json, ct);
                return result.ToOk();
            })
            .RequireAuthorization(p => p.RequireRole(StaffRoles.Admin))
            .WithTags("管理")
            .WithName("UploadCalendar")
            .WithSummary("上传某年节假日安排（holiday-cn 格式），覆盖随程序发布的文件")
            .Accepts<object>("application/json")
            .Produces<Outcome>()
            .ProducesValidationProblem();
    }
}

/// <summary>Re-reads the uploaded calendars every minute, so a node follows an upload made on another node.</summary>
public sealed class CalendarSync(IServiceScopeFactory scopes, WorkflowRuntime workflows, ILogger<CalendarSync> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await UploadCalendar.ApplyStoredAsync(scope.ServiceProvider.GetRequiredService<PingYiDbContext>(), workflows, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning("Could not read the uploaded holiday calendars: {Message}", e.Message);
            }
            // Real time on purpose: this is a polling interval, not a deadline.
            await Task.Delay(Interval, TimeProvider.System, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }
}
