namespace PingYi.Domain.Evaluation;

public enum ReminderKind
{
    /// <summary>Before the due date: the document is not in yet.</summary>
    Before,

    /// <summary>After the due date: the document is late.</summary>
    After,
}

/// <summary>One reminder date of a milestone: <see cref="Days"/> days before or after its due date.</summary>
public sealed record ReminderDate(Milestone Milestone, ReminderKind Kind, int Days, DateOnly SendOn);

/// <summary>
/// When self-evaluation reminders go out, as data: for each milestone, the round file's days before the due
/// date (7 and 1 in 2020) and after it (1). Dates are China calendar dates.
/// </summary>
public static class SelfEvaluationSchedule
{
    public static IReadOnlyList<ReminderDate> Dates(EvaluationRoundDefinition round) =>
        round.Milestones.SelectMany(m =>
                round.Reminders.DaysBefore.Select(d => new ReminderDate(m, ReminderKind.Before, d, m.Due.AddDays(-d)))
                    .Concat(round.Reminders.DaysAfter.Select(d => new ReminderDate(m, ReminderKind.After, d, m.Due.AddDays(d)))))
            .OrderBy(r => r.SendOn).ThenBy(r => r.Milestone.Code, StringComparer.Ordinal)
            .ToList();

    public static IReadOnlyList<ReminderDate> DueOn(EvaluationRoundDefinition round, DateOnly today) =>
        Dates(round).Where(r => r.SendOn == today).ToList();

    /// <summary>A document is late when it arrives after the due date's China day has ended.</summary>
    public static bool IsLate(Milestone milestone, DateOnly uploadedOn) => uploadedOn > milestone.Due;
}
