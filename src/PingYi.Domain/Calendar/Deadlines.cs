using System.Linq.Expressions;
using PingYi.Domain.Common;

namespace PingYi.Domain.Calendar;

/// <summary>Which deadline a remaining-days text is about: it changes only the words used once it has passed.</summary>
public enum DeadlineKind
{
    /// <summary>办理期限 (handling, rework or extended deadline of an assigned case): past it, the case is 超期.</summary>
    Handling,

    /// <summary>受理期限 of a submitted case: past it, the supervisors are late to accept, the case is not 超期.</summary>
    Accept,
}

/// <summary>Where a running deadline stands at one moment, and the one wording of it every page and mail shows.</summary>
/// <param name="Late">The deadline has passed (<see cref="Deadlines.Late(DateTime, DateTime)"/>).</param>
/// <param name="WorkingDaysLeft">Working days after today up to the deadline's last day; 0 on that day and after.</param>
/// <param name="WorkingDaysOverdue">Working days begun since the deadline passed; 0 before it (and on a weekend right after it).</param>
/// <param name="Text">剩余 N 个工作日 / 今天到期 / 超期 N 个工作日 / 已超期 (or the 受理 wording), with ，暂按周一至周五计算 when provisional.</param>
public sealed record DeadlineStanding(bool Late, int WorkingDaysLeft, int WorkingDaysOverdue, string Text)
{
    /// <summary>The count runs through a year with no holiday calendar, so it is Monday–Friday until one is uploaded.</summary>
    public bool Provisional { get; init; }
}

/// <summary>
/// The deadline rules, each written once: when a deadline counts as missed (<see cref="Late(DateTime, DateTime)"/>)
/// and how many working days remain or are overdue, in words (<see cref="Standing"/>). The complaint, the handling
/// record, the 督办 notice, every list, the 督办台, the scores and every mail use these; a query may call
/// <see cref="Late(DateTime, DateTime)"/> inside LINQ, and <see cref="Expand"/> (run by the data layer before EF Core
/// compiles a query) inlines <see cref="LateExpression"/> so the same boundary is what the SQL compares.
/// </summary>
public static class Deadlines
{
    /// <summary>
    /// The one boundary: a deadline is missed from its own instant on. Deadlines are 24:00 China time, so a case
    /// is late from 00:00 of the next day, never a minute before.
    /// </summary>
    public static readonly Expression<Func<DateTime, DateTime, bool>> LateExpression = (at, due) => at >= due;

    private static readonly Func<DateTime, DateTime, bool> LateCompiled = LateExpression.Compile();

    /// <summary>Whether, at <paramref name="at"/>, the deadline <paramref name="due"/> has passed.</summary>
    public static bool Late(DateTime at, DateTime due) => LateCompiled(at, due);

    /// <summary>Whether, at <paramref name="at"/>, there is a deadline and it has passed.</summary>
    public static bool Late(DateTime at, DateTime? due) => due is { } d && LateCompiled(at, d);

    /// <summary>
    /// How <paramref name="dueUtc"/> stands at <paramref name="nowUtc"/>. Remaining days do not count today: on the
    /// day a case is submitted with a 2-working-day accept deadline it reads 剩余 2 个工作日, as the promise does;
    /// on the deadline's own day it reads 今天到期; from the deadline on, the overdue working days begun.
    /// </summary>
    public static DeadlineStanding Standing(WorkingDayCalendar calendar, DateTime dueUtc, DateTime nowUtc, DeadlineKind kind = DeadlineKind.Handling)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        var provisional = IsProvisional(calendar, dueUtc, nowUtc);
        var suffix = provisional ? ProvisionalNote : "";
        if (Late(nowUtc, dueUtc))
        {
            var overdue = calendar.WorkingDaysOverdue(dueUtc, nowUtc);
            var text = kind == DeadlineKind.Accept
                ? overdue > 0 ? $"超过受理期限 {overdue} 个工作日" : "已过受理期限"
                : OverdueText(overdue);
            return new DeadlineStanding(true, 0, overdue, text + suffix) { Provisional = provisional };
        }
        var left = calendar.WorkingDaysLeft(dueUtc, nowUtc);
        return new DeadlineStanding(false, left, 0, (left > 0 ? $"剩余 {left} 个工作日" : "今天到期") + suffix) { Provisional = provisional };
    }

    /// <summary>What a provisional count adds to its words.</summary>
    public const string ProvisionalNote = "，暂按周一至周五计算";

    /// <summary>
    /// Whether counting between now and the deadline (either way round) crosses a year with no holiday calendar:
    /// such a year counts Monday–Friday, so the deadline may move when its calendar is uploaded.
    /// </summary>
    public static bool IsProvisional(WorkingDayCalendar calendar, DateTime dueUtc, DateTime nowUtc)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        var dueYear = ChinaTime.DateOf(dueUtc.AddTicks(-1)).Year;
        var nowYear = ChinaTime.DateOf(nowUtc).Year;
        return calendar.YearsWithoutData(Math.Min(dueYear, nowYear), Math.Max(dueYear, nowYear)).Count > 0;
    }

    /// <summary>A missed handling deadline in words: 超期 N 个工作日, or 已超期 before the first working day after it begins.</summary>
    public static string OverdueText(int workingDaysOverdue) => workingDaysOverdue > 0 ? $"超期 {workingDaysOverdue} 个工作日" : "已超期";

    /// <summary>The deadline as people read it with its standing: "2026年12月28日 24:00（剩余 15 个工作日）".</summary>
    public static string WithStanding(WorkingDayCalendar calendar, DateTime dueUtc, DateTime nowUtc, DeadlineKind kind = DeadlineKind.Handling) =>
        $"{ChinaTime.FormatDeadline(dueUtc)}（{Standing(calendar, dueUtc, nowUtc, kind).Text}）";

    /// <summary>
    /// Replaces every call of <see cref="Late(DateTime, DateTime)"/> (and its nullable overload) in a query with the
    /// body of <see cref="LateExpression"/>, so that a database can evaluate it.
    /// </summary>
    public static Expression Expand(Expression expression) => new LateInliner().Visit(expression);

    private sealed class LateInliner : ExpressionVisitor
    {
        protected override Expression VisitMethodCall(MethodCallExpression node)
        {
            if (node.Method.DeclaringType != typeof(Deadlines) || node.Method.Name != nameof(Late))
            {
                return base.VisitMethodCall(node);
            }
            var at = Visit(node.Arguments[0]);
            var due = Visit(node.Arguments[1]);
            if (due.Type == typeof(DateTime?))
            {
                return Expression.AndAlso(
                    Expression.NotEqual(due, Expression.Constant(null, typeof(DateTime?))),
                    Inline(at, Expression.Convert(due, typeof(DateTime))));
            }
            return Inline(at, due);
        }

        private static Expression Inline(Expression at, Expression due) =>
            new Substitute(LateExpression.Parameters[0], at, LateExpression.Parameters[1], due).Visit(LateExpression.Body);
    }

    private sealed class Substitute(ParameterExpression a, Expression aWith, ParameterExpression b, Expression bWith) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) =>
            node == a ? aWith : node == b ? bWith : base.VisitParameter(node);
    }
}
