using System.Globalization;
using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Domain.Common;
using PingYi.Domain.Evaluation;
using PingYi.Web.Features.Evaluation.Ledger;
using PingYi.Web.Features.Notifications;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Evaluation;

/// <summary>
/// The daily evaluation reminders, written to the outbox: the self-evaluation documents a unit has not filed
/// (<see cref="SelfEvaluation.Reminders"/>: the round file's days before and after each due date) and the
/// rectification ledger items still open on the same offsets from their due date. Each message carries a
/// deterministic key (what, which unit or item, which offset) that is unique with its recipient in the
/// outbox, so a second run the same day, a run after a crash, or two nodes running at once write it once.
/// </summary>
public static class EvaluationReminders
{
    public const string JobId = "evaluation-reminders";

    /// <param name="Written">Outbox rows added by this run.</param>
    /// <param name="AlreadyWritten">Rows that an earlier run (or another node) had written already.</param>
    public sealed record Outcome(int Written, int AlreadyWritten);

    private sealed record Pending(string Key, string Kind, int UnitId, RenderedMail Mail);

    public sealed class Handler(
        PingYiDbContext db, SelfEvaluation.Reminders selfEvaluation, EvaluationRuntime runtime, MailTemplates templates,
        MailSettings settings, WorkflowRuntime workflows, TimeProvider time, ILogger<Handler> logger)
    {
        public async Task<Outcome> HandleAsync(CancellationToken ct)
        {
            var now = time.GetUtcNow().UtcDateTime;
            var pending = new List<Pending>();
            await AddSelfEvaluationAsync(pending, ct);
            await AddLedgerAsync(pending, ChinaTime.Today(time), ct);
            if (pending.Count == 0)
            {
                return new Outcome(0, 0);
            }
            var rows = new List<(string Key, string Recipient, string Kind, RenderedMail Mail)>();
            foreach (var p in pending)
            {
                foreach (var recipient in (await NoticeWriter.UnitAddressesAsync(db, p.UnitId, now, ct)).Distinct(StringComparer.OrdinalIgnoreCase))
                {
                    rows.Add((p.Key, recipient, p.Kind, p.Mail));
                }
            }
            var notBefore = settings.QuietHours ? QuietHours.NextWorkingTimeUtc(now, workflows.Calendar) : now;
            // Two tries: a unique-key clash means another node wrote some rows between our read and our save;
            // the second read sees them.
            for (var attempt = 1; ; attempt++)
            {
                var keys = rows.Select(r => r.Key).Distinct().ToList();
                var existing = (await db.OutboxMessages.AsNoTracking().Where(m => m.DedupKey != null && keys.Contains(m.DedupKey))
                        .Select(m => new { m.DedupKey, m.Recipient }).ToListAsync(ct))
                    .Select(m => (m.DedupKey!, m.Recipient.ToLowerInvariant())).ToHashSet();
                var fresh = rows.Where(r => !existing.Contains((r.Key, r.Recipient.ToLowerInvariant()))).ToList();
                var added = fresh.Select(r => NoticeWriter.NewMessage(settings, r.Kind, null, r.Recipient, r.Mail, now, notBefore, r.Key)).ToList();
                db.OutboxMessages.AddRange(added);
                try
                {
                    await db.SaveChangesAsync(ct);
                    if (added.Count > 0)
                    {
                        logger.LogInformation("Evaluation reminders: {Written} messages written, {Skipped} already written.", added.Count, rows.Count - added.Count);
                    }
                    return new Outcome(added.Count, rows.Count - added.Count);
                }
                catch (DbUpdateException) when (attempt < 2)
                {
                    foreach (var row in added)
                    {
                        db.Entry(row).State = EntityState.Detached;
                    }
                }
            }
        }

        private async Task AddSelfEvaluationAsync(List<Pending> pending, CancellationToken ct)
        {
            var due = await selfEvaluation.DueTodayAsync(ct);
            if (due.Count == 0)
            {
                return;
            }
            var codes = due.Select(r => r.UnitCode).Distinct().ToList();
            var units = await db.Units.AsNoTracking().Where(u => codes.Contains(u.Code)).ToDictionaryAsync(u => u.Code, u => u.Id, ct);
            foreach (var r in due)
            {
                var before = r.Kind == ReminderKind.Before;
                var mail = templates.Render(MailTemplates.SelfEvaluationReminder, new MailModel
                {
                    UnitName = r.UnitName,
                    Title = r.MilestoneLabel,
                    Deadline = r.Due.ToString("yyyy年M月d日", CultureInfo.InvariantCulture),
                    Note = before ? $"距报送截止还有 {r.Days} 天，贵单位尚未报送{r.MilestoneLabel}。" : $"{r.MilestoneLabel}已超过报送期限，贵单位尚未报送，请尽快补报。",
                    Level = before ? 0 : 1,
                    Link = settings.Link("/staff/evaluation"),
                });
                pending.Add(new Pending(Key("self-evaluation", r.Year.ToString(CultureInfo.InvariantCulture), r.Milestone, r.Kind, r.Days, r.UnitCode),
                    MailTemplates.SelfEvaluationReminder, units[r.UnitCode], mail));
            }
        }

        private async Task AddLedgerAsync(List<Pending> pending, DateOnly today, CancellationToken ct)
        {
            var rounds = await db.EvaluationRounds.AsNoTracking().ToListAsync(ct);
            foreach (var round in rounds)
            {
                if (runtime.Find(round.Year) is not { } definition)
                {
                    continue;
                }
                // Due dates that make today a reminder day: 7 and 1 days ahead, 1 day past (2020's file).
                var offsets = definition.Reminders.DaysBefore.Select(d => (Kind: ReminderKind.Before, Days: d, Due: today.AddDays(d)))
                    .Concat(definition.Reminders.DaysAfter.Select(d => (Kind: ReminderKind.After, Days: d, Due: today.AddDays(-d))))
                    .ToList();
                var dates = offsets.Select(o => o.Due).ToList();
                var items = await db.RectificationItems.AsNoTracking()
                    .Where(i => i.RoundId == round.Id && i.Status == RectificationStatus.Open && dates.Contains(i.DueOn))
                    .OrderBy(i => i.Id)
                    .ToListAsync(ct);
                if (items.Count == 0)
                {
                    continue;
                }
                var unitIds = items.Select(i => i.UnitId).Distinct().ToList();
                var names = await db.Units.AsNoTracking().Where(u => unitIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.Name, ct);
                foreach (var item in items)
                {
                    foreach (var o in offsets.Where(o => o.Due == item.DueOn))
                    {
                        var before = o.Kind == ReminderKind.Before;
                        var mail = templates.Render(MailTemplates.RectificationReminder, new MailModel
                        {
                            UnitName = names[item.UnitId],
                            Title = item.Problem.Length > 60 ? item.Problem[..60] + "…" : item.Problem,
                            Deadline = item.DueOn.ToString("yyyy年M月d日", CultureInfo.InvariantCulture),
                            Note = before ? $"距整改时限还有 {o.Days} 天。" : $"已超过整改时限 {o.Days} 天，尚未报告整改完成。",
                            Level = before ? 0 : 1,
                            Link = settings.Link($"/staff/evaluation/ledger/{item.Id}?year={round.Year}"),
                        });
                        pending.Add(new Pending(Key("ledger", item.Id.ToString(CultureInfo.InvariantCulture), "item", o.Kind, o.Days, null),
                            MailTemplates.RectificationReminder, item.UnitId, mail));
                    }
                }
            }
        }

        /// <summary>e.g. <c>self-evaluation:2026:self-evaluation-report:before-1:rst</c>, <c>ledger:42:item:after-1</c>.</summary>
        private static string Key(string what, string scope, string milestone, ReminderKind kind, int days, string? unitCode) =>
            $"{what}:{scope}:{milestone}:{(kind == ReminderKind.Before ? "before" : "after")}-{days.ToString(CultureInfo.InvariantCulture)}"
            + (unitCode is null ? "" : ":" + unitCode);
    }
}
