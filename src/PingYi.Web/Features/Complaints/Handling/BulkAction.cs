using System.Security.Claims;
using System.Text.Json;
using PingYi.Domain.Complaints;
using PingYi.Domain.Workflow;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Complaints.Handling;

/// <summary>
/// 批量催办 / 批量交办 (issue 24 §3): a supervisor applies one action to several cases of the list. Each case goes
/// through <see cref="PerformAction.Handler"/> on its own — authorized, validated and audited as that case's action
/// (its own timeline event and notices) — so one refusal does not stop the others; the answer says what happened to each.
/// </summary>
public static class BulkAction
{
    public const int MaxCases = 100;

    /// <summary>A tracking number as listed (ZTC-2026-000001): a longer entry is refused as sent.</summary>
    public const int MaxTrackingNumberLength = 15;

    /// <summary>The actions offered in bulk: 催办 and 受理并交办.</summary>
    public static readonly IReadOnlyList<string> Actions = ["urge", "assign"];

    /// <param name="IfMatch">
    /// Optional, per case: the ETag the list showed (<c>etag</c> of <c>GET /complaints</c>). A case that changed since
    /// (another supervisor's 催办, a transfer, an escalation) is refused alone as stale rather than acted on twice.
    /// </param>
    public sealed record Request(IReadOnlyList<string>? TrackingNumbers, Dictionary<string, JsonElement>? Fields,
        IReadOnlyDictionary<string, string>? IfMatch = null);

    /// <summary>An ETag as the list gives it ("12"): a longer value is refused as sent.</summary>
    public const int MaxETagLength = 12;

    /// <param name="Done">Applied; <paramref name="Message"/> then null, otherwise why it was refused (Chinese).</param>
    /// <param name="Status">The case's status after the action (null when refused).</param>
    public sealed record Outcome(string TrackingNumber, bool Done, string? Status, string? Message);

    public sealed record Summary(string Action, string Label, int Done, int Refused, IReadOnlyList<Outcome> Outcomes);

    public sealed class Handler(PerformAction.Handler perform, WorkflowRuntime workflows)
    {
        public async Task<Result<Summary>> HandleAsync(ClaimsPrincipal user, string? action, Request request, CancellationToken ct)
        {
            if (user.WorkflowRole() != WorkflowRoles.Supervisor)
            {
                return RequestFailure.Forbidden("无权操作", "action", "批量操作仅限纪检监察工委。");
            }
            action = action?.Trim() ?? string.Empty;
            if (!Actions.Contains(action))
            {
                return RequestFailure.Field(FailureKind.NotFound, "未知操作", "action", "批量操作只能是 urge（催办）或 assign（受理并交办）。");
            }
            // Counted and measured as sent, before blanks and repeats are dropped: the document states both bounds.
            if (request.TrackingNumbers is { Count: > MaxCases })
            {
                return RequestFailure.Invalid("提交的内容有误", "trackingNumbers", $"一次最多批量处理 {MaxCases} 件（本次 {request.TrackingNumbers.Count} 件）。");
            }
            if (request.TrackingNumbers?.FirstOrDefault(n => n?.Length > MaxTrackingNumberLength) is { } tooLong)
            {
                return RequestFailure.Invalid("提交的内容有误", "trackingNumbers", $"受理编号不超过 {MaxTrackingNumberLength} 个字符：“{tooLong[..MaxTrackingNumberLength]}…”。");
            }
            if (request.IfMatch is { } tags && (tags.Count > MaxCases || tags.Values.Any(t => t is null || t.Length > MaxETagLength)))
            {
                return RequestFailure.Invalid("提交的内容有误", "ifMatch", $"ifMatch 最多 {MaxCases} 项，每项为列表给出的 ETag（不超过 {MaxETagLength} 个字符）。");
            }
            var ifMatch = (request.IfMatch ?? new Dictionary<string, string>())
                .GroupBy(t => Normal(t.Key), StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.First().Value, StringComparer.Ordinal);
            var numbers = (request.TrackingNumbers ?? []).Where(n => !string.IsNullOrWhiteSpace(n))
                .Select(Normal)
                .Distinct(StringComparer.Ordinal).ToList();
            if (numbers.Count == 0)
            {
                return RequestFailure.Invalid("提交的内容有误", "trackingNumbers", "请至少选择一件反映。");
            }
            var fields = request.Fields ?? [];
            var outcomes = new List<Outcome>();
            foreach (var number in numbers)
            {
                // One case at a time, each its own save: a refusal or a lost race touches only that case.
                var result = await perform.ForStaffAsync(user, number, action, fields, ifMatch.GetValueOrDefault(number), ct);
                outcomes.Add(result.Succeeded
                    ? new Outcome(number, true, ComplaintStatuses.Codes.CodeOf(result.Value!.Status), null)
                    : new Outcome(number, false, null, string.Join(" ", result.Failure!.Errors.SelectMany(e => e.Value).Select(ChineseOnly))));
                perform.Discard();
            }
            var label = workflows.Registry.Definitions.Select(d => d.FindAction(action)?.Label).FirstOrDefault(l => l is not null) ?? action;
            return new Summary(action, label, outcomes.Count(o => o.Done), outcomes.Count(o => !o.Done), outcomes);
        }

        /// <summary>A tracking number as the cases are keyed (normalized; one that is not a number, trimmed, to be refused as such).</summary>
        private static string Normal(string number) => TrackingNumber.TryNormalize(number, out var normal) ? normal : number.Trim();

        /// <summary>Some handlers write "中文 / English" for API clients; the summary is read by people: the Chinese half.</summary>
        private static string ChineseOnly(string message)
        {
            var cut = message.IndexOf(" / ", StringComparison.Ordinal);
            return cut > 0 ? message[..cut] : message;
        }
    }

    public static void Map(RouteGroupBuilder api) =>
        api.MapPost("/complaints/bulk-actions/{action}", async (string action, HttpContext http, Handler handler, CancellationToken ct) =>
                await ResultHttp.JsonCommandAsync<Request, Summary>(http, body => handler.HandleAsync(http.User, action, body, ct), r => r.ToOk(), ct))
            .RequireAuthorization()
            .WithName("BulkAction")
            .WithSummary("批量催办 / 批量受理并交办（纪检监察工委）")
            .WithDescription("action urge (fields { note }) or assign (fields { unitCode, note }); body { \"trackingNumbers\": [ … ] (1–100), \"fields\": { … }, \"ifMatch\": { trackingNumber: etag } (optional: a case changed since the list's etag is refused alone as stale) }. Each case is the ordinary action on its own (authorized, validated, audited, notified); a refused one does not stop the others. 200 with done/refused counts and each case's outcome (status after it, or the Chinese reason). 403 for anyone but supervisors.")
            .Accepts<Request>("application/json")
            .Produces<Summary>()
            .ProducesValidationProblem()
            .ProducesProblems(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound);
}
