using System.Security.Cryptography;
using System.Threading.RateLimiting;
using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Domain.Common;
using PingYi.Domain.Evaluation;
using PingYi.Domain.Units;
using PingYi.Web.Infrastructure;
using QRCoder;

namespace PingYi.Web.Features.Evaluation.Survey;

/// <summary>
/// The public questionnaire engine: the service-hall survey of each unit resident in the hall, and each
/// unit's own online evaluation channel. No sign-in; a browser cookie limits a browser to one response per
/// unit per day (a unique index backs it), a per-address rate limit stops floods from one place, and
/// <see cref="NetworkCap"/> counts at most a few answers a day per unit from one network (the cookie is the
/// client's to throw away).
/// </summary>
public static class PublicSurvey
{
    public const string RateLimitPolicy = "survey";
    public const string BrowserCookie = "pingyi.survey";

    /// <summary>The sources the public answers: the service hall, and a unit's own channel.</summary>
    public static bool IsPublicSource(string source) => source is EvaluationCodes.ServiceHall or EvaluationCodes.UnitChannel;

    public static string PathOf(int year, string source, string unitCode) => $"/survey/{year}/{source}/{unitCode}";

    public sealed record Target(RoundContext Round, Unit Unit, string Source, Questionnaire Questionnaire);

    public sealed class Handler(PingYiDbContext db, Rounds rounds, TimeProvider time, NetworkCap cap)
    {
        /// <summary>The questionnaire for a unit, or null when there is none (unknown unit, a unit not in the hall, no such round).</summary>
        public async Task<Target?> FindAsync(int year, string source, string unitCode, CancellationToken ct)
        {
            if (!IsPublicSource(source))
            {
                return null;
            }
            var found = await rounds.FindAsync(year, ct);
            var unit = await rounds.UnitAsync(unitCode, ct);
            if (!found.Succeeded || unit is null || (source == EvaluationCodes.ServiceHall && !unit.ServiceHall))
            {
                return null;
            }
            return new Target(found.Value!, unit, source, found.Value!.Definition.QuestionnaireFor(source));
        }

        /// <summary>
        /// What an evaluation code says for this questionnaire: null when it may answer, else the refusal (unknown 400,
        /// another unit's or round's 403, used 409, expired 410), each with a Chinese message under <c>code</c>.
        /// </summary>
        public async Task<(SurveyCode? Code, RequestFailure? Refusal)> CheckCodeAsync(Target target, string typed, CancellationToken ct)
        {
            if (target.Source != EvaluationCodes.ServiceHall)
            {
                return (null, RequestFailure.Field(StatusCodes.Status400BadRequest, "评价码无效", "code", "评价码只用于省政务大厅的服务评价。"));
            }
            var normalized = SurveyCodeFormat.Normalize(typed);
            var code = normalized is null ? null
                : await db.SurveyCodes.AsNoTracking().SingleOrDefaultAsync(c => c.Hash == SurveyCodeFormat.Hash(normalized), ct);
            if (code is null)
            {
                return (null, RequestFailure.Field(StatusCodes.Status400BadRequest, "评价码无效", "code", "评价码不正确，请核对窗口提供的评价码。"));
            }
            if (code.UnitId != target.Unit.Id || code.RoundId != target.Round.Round.Id)
            {
                return (null, RequestFailure.Field(StatusCodes.Status403Forbidden, "评价码不属于本单位", "code",
                    $"这个评价码不是{target.Unit.Name}本年度发放的，请扫描办事窗口提供的评价码。"));
            }
            if (code.UsedAtUtc is not null)
            {
                return (null, RequestFailure.Field(StatusCodes.Status409Conflict, "评价码已使用", "code", "这个评价码已经评价过，每个评价码只能评价一次。"));
            }
            if (code.ExpiresAtUtc <= time.GetUtcNow().UtcDateTime)
            {
                return (null, RequestFailure.Field(StatusCodes.Status410Gone, "评价码已过期", "code",
                    $"这个评价码已于{ChinaTime.Format(code.ExpiresAtUtc)}过期。"));
            }
            return (code, null);
        }

        /// <param name="network">The client's address bucket (<see cref="RateLimits.ClientKey"/>: IPv4, or the IPv6 /64).</param>
        /// <param name="code">A one-time evaluation code (一事一评), or null for the static QR's general channel.</param>
        public async Task<Result<Questionnaires.Filled>> SubmitAsync(Target target, string? browserKey, string network, string? rating, IReadOnlyDictionary<string, string?> answers, CancellationToken ct,
            string? code = null)
        {
            if (!target.Round.Round.AcceptsInputs)
            {
                return RequestFailure.Field(StatusCodes.Status409Conflict, "评议已结束", "$", "本年度评议已结束，感谢您的关注。");
            }
            if (!string.IsNullOrWhiteSpace(code))
            {
                return await SubmitCodedAsync(target, code, rating, answers, ct);
            }
            if (browserKey is null)
            {
                return RequestFailure.Field(StatusCodes.Status400BadRequest, "缺少评价码", "code", "请输入办事窗口提供的评价码。");
            }
            var today = ChinaTime.Today(time);
            var already = RequestFailure.Field(StatusCodes.Status409Conflict, "今天已评价过", "$", $"您今天已经评价过{target.Unit.Name}，每个单位每天只能评价一次。");
            if (await db.EvaluationResponses.AnyAsync(r => r.UnitId == target.Unit.Id && r.Source == target.Source && r.BrowserKey == browserKey && r.PublicDay == today, ct))
            {
                return already;
            }
            var errors = new ValidationErrors();
            // The public form has no separate comment box: free text lives in the questionnaire's text items.
            var filled = Questionnaires.Validate(target.Round.Definition, target.Questionnaire, rating, null, answers, errors);
            if (filled is null)
            {
                return RequestFailure.Invalid(errors);
            }
            var capKey = $"{target.Round.Round.Id}|{target.Source}|{target.Unit.Id}|{today:yyyy-MM-dd}|{network}";
            if (!cap.TryTake(capKey, today))
            {
                return RequestFailure.Field(StatusCodes.Status429TooManyRequests, "评价次数已达上限", "$",
                    $"今天来自同一网络对{target.Unit.Name}的评价已达上限，感谢您的参与。");
            }
            var response = new EvaluationResponse(target.Round.Round.Id, target.Unit.Id, target.Source, filled.Rating, null,
                ResponseChannel.Public, evaluatorId: null, browserKey, today, time.GetUtcNow().UtcDateTime, filled.Answers);
            response.SetFingerprint();
            await FlagForReviewAsync(target, response, ct);
            db.EvaluationResponses.Add(response);
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException)
            {
                // Two submissions from one browser raced past the check; the unique index kept one.
                cap.Release(capKey);
                return already;
            }
            return filled;
        }

        /// <summary>
        /// An uncoded answer anyone can give from the static QR: a burst for the unit (<c>review.burstAnswers</c> within
        /// <c>review.burstMinutes</c>, the earlier ones of the window included) or the same rating, choices and text as
        /// another uncoded answer for the unit (both of them) waits for a Supervisor (ConfirmRating) before it counts.
        /// Answers without any text are not compared: a plain 满意 with top marks is what most people give.
        /// </summary>
        private async Task FlagForReviewAsync(Target target, EvaluationResponse response, CancellationToken ct)
        {
            var limits = target.Round.Definition.PublicSurvey;
            var since = response.CreatedAtUtc.AddMinutes(-limits.BurstMinutes);
            var withText = response.Answers.Any(a => !string.IsNullOrWhiteSpace(a.Text));
            var fingerprint = withText ? response.Fingerprint : null;
            var near = await db.EvaluationResponses
                .Where(r => r.RoundId == response.RoundId && r.UnitId == response.UnitId && r.Source == response.Source
                    && r.Channel == ResponseChannel.Public && !r.Coded && (r.CreatedAtUtc > since || (fingerprint != null && r.Fingerprint == fingerprint)))
                .OrderByDescending(r => r.CreatedAtUtc).Take(500)
                .ToListAsync(ct);
            var identical = near.Where(r => fingerprint != null && r.Fingerprint == fingerprint).ToList();
            if (identical.Count > 0)
            {
                response.FlagForReview(ReviewFlags.Identical);
                identical.ForEach(r => r.FlagForReview(ReviewFlags.Identical));
            }
            var window = near.Where(r => r.CreatedAtUtc > since).ToList();
            if (window.Count + 1 >= limits.BurstAnswers)
            {
                response.FlagForReview(ReviewFlags.Burst);
                window.ForEach(r => r.FlagForReview(ReviewFlags.Burst));
            }
        }

        /// <summary>一事一评: the code is spent in the same transaction as the answer is saved, by a conditional update (one winner).</summary>
        private async Task<Result<Questionnaires.Filled>> SubmitCodedAsync(Target target, string typed, string? rating, IReadOnlyDictionary<string, string?> answers, CancellationToken ct)
        {
            var (code, refusal) = await CheckCodeAsync(target, typed, ct);
            if (refusal is not null)
            {
                return refusal;
            }
            var errors = new ValidationErrors();
            var filled = Questionnaires.Validate(target.Round.Definition, target.Questionnaire, rating, null, answers, errors);
            if (filled is null)
            {
                return RequestFailure.Invalid(errors);
            }
            var now = time.GetUtcNow().UtcDateTime;
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var spent = await db.SurveyCodes.Where(c => c.Id == code!.Id && c.UsedAtUtc == null && c.ExpiresAtUtc > now)
                .ExecuteUpdateAsync(u => u.SetProperty(c => c.UsedAtUtc, now), ct);
            if (spent == 0)
            {
                return RequestFailure.Field(StatusCodes.Status409Conflict, "评价码已使用", "code", "这个评价码已经评价过，每个评价码只能评价一次。");
            }
            // No browser key: a coded answer is not one of the browser's daily answers (NULLs never collide).
            var response = new EvaluationResponse(target.Round.Round.Id, target.Unit.Id, target.Source, filled.Rating, null,
                ResponseChannel.Public, evaluatorId: null, browserKey: null, ChinaTime.Today(time), now, filled.Answers);
            response.MarkCoded();
            db.EvaluationResponses.Add(response);
            await db.SaveChangesAsync(ct);
            await db.SurveyCodes.Where(c => c.Id == code!.Id).ExecuteUpdateAsync(u => u.SetProperty(c => c.ResponseId, response.Id), ct);
            await tx.CommitAsync(ct);
            return filled;
        }
    }

    /// <summary>The browser's survey key: a random value in an HttpOnly cookie, set on first visit.</summary>
    public static string BrowserKey(HttpContext http)
    {
        // __Host- and Secure outside Development, like every cookie (Features/Security/ProductionDefaults.cs).
        var cookies = http.RequestServices.GetRequiredService<Security.AppCookies>();
        if (http.Request.Cookies.TryGetValue(cookies.Name(BrowserCookie), out var key) && key is { Length: 32 } && key.All(char.IsAsciiHexDigitLower))
        {
            return key;
        }
        key = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        http.Response.Cookies.Append(cookies.Name(BrowserCookie), key, cookies.Options(http, SameSiteMode.Lax, TimeSpan.FromDays(400)));
        return key;
    }

    /// <summary>An SVG QR code of the survey's absolute address, for staff to print.</summary>
    public static string QrSvg(string url)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(url, QRCodeGenerator.ECCLevel.M);
        return new SvgQRCode(data).GetGraphic(new System.Drawing.Size(256, 256), "#000000", "#ffffff", drawQuietZones: true, sizingMode: SvgQRCode.SizingMode.ViewBoxAttribute);
    }

    /// <summary>
    /// At most <c>RateLimits:SurveyPerUnitPerNetworkPerDay</c> (10) answers a China day for one unit and source from
    /// one network (IPv4 address, IPv6 /64): thirty fresh browser sessions behind one address used to give thirty
    /// answers. Counted in this node's memory when an answer is accepted.
    /// </summary>
    public sealed class NetworkCap(int perDay)
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (DateOnly Day, int Count)> _counts = new(StringComparer.Ordinal);

        public bool TryTake(string key, DateOnly today)
        {
            if (perDay <= 0)
            {
                return true;
            }
            if (_counts.Count >= 10_000)
            {
                foreach (var (k, v) in _counts)
                {
                    if (v.Day < today)
                    {
                        _counts.TryRemove(k, out _);
                    }
                }
            }
            while (true)
            {
                var current = _counts.GetOrAdd(key, (today, 0));
                if (current.Count >= perDay)
                {
                    return false;
                }
                if (_counts.TryUpdate(key, (today, current.Count + 1), current))
                {
                    return true;
                }
            }
        }

        public void Release(string key) => _counts.AddOrUpdate(key, (default, 0), (_, v) => (v.Day, Math.Max(0, v.Count - 1)));
    }

    /// <summary>Per client address (IPv6: per /64, like every limiter), only the POSTs that submit answers count.</summary>
    public static void AddRateLimit(IServiceCollection services, int perAddressPerHour) =>
        services.AddRateLimiter(o => o.AddPolicy(RateLimitPolicy, http =>
        {
            if (HttpMethods.IsGet(http.Request.Method) || perAddressPerHour <= 0)
            {
                return RateLimitPartition.GetNoLimiter("free");
            }
            return RateLimits.Window(http, "survey:" + RateLimits.ClientKey(http.Connection.RemoteIpAddress), perAddressPerHour, TimeSpan.FromHours(1));
        }));

    /// <summary>A coded answer through the API: the one-time code is required (the general channel is the page's).</summary>
    public sealed record CodedAnswer(string? Code, string? Rating, Dictionary<string, string?>? Answers);

    public sealed record Accepted(string UnitCode, string Rating);

    public static void Map(WebApplication app)
    {
        app.MapPost("/api/v1/survey/{year:int}/{source}/{unit}", async (int year, string source, string unit, CodedAnswer body, HttpContext http, Handler handler, CancellationToken ct) =>
            {
                var target = await handler.FindAsync(year, source, unit, ct);
                if (target is null)
                {
                    return RequestFailure.Field(StatusCodes.Status404NotFound, "未找到", "unit", "没有这个评价问卷。").ToProblem();
                }
                if (string.IsNullOrWhiteSpace(body.Code))
                {
                    return RequestFailure.Field(StatusCodes.Status400BadRequest, "缺少评价码", "code", "请输入办事窗口提供的评价码。").ToProblem();
                }
                var result = await handler.SubmitAsync(target, null, RateLimits.ClientKey(http.Connection.RemoteIpAddress), body.Rating,
                    body.Answers ?? [], ct, body.Code);
                return result.Succeeded
                    ? Results.Ok(new Accepted(target.Unit.Code, result.Value!.Rating))
                    : result.Failure!.ToProblem();
            })
            .RequireRateLimiting(RateLimitPolicy)
            .WithName("AnswerSurveyWithCode")
            .WithSummary("凭一次性评价码提交服务评价（一事一评）")
            .WithDescription("One answer per one-time evaluation code, for the unit and round that issued it. 400 unknown code or bad answers; 403 another unit's or round's code; 409 a code already used; 410 an expired code.")
            .WithTags("评议")
            .Produces<Accepted>()
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status410Gone, StatusCodes.Status429TooManyRequests);

        app.MapGet("/survey/{year:int}/{source}/{unit}/qr.svg", async (int year, string source, string unit, Notifications.MailSettings mail, Handler handler, CancellationToken ct) =>
            {
                var target = await handler.FindAsync(year, source, unit, ct);
                if (target is null)
                {
                    return Results.NotFound();
                }
                // The configured public address: a Host header is the caller's to choose.
                var url = mail.Link(PathOf(year, source, target.Unit.Code));
                return Results.Content(QrSvg(url), "image/svg+xml; charset=utf-8");
            })
            .UnderApiLimit()
            .WithName("SurveyQrCode")
            .WithSummary("问卷二维码（SVG）")
            .WithTags("评议");
    }
}
