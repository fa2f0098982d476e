using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore.Diagnostics;
using PingYi.Domain.Common;

namespace PingYi.Data;

/// <summary>
/// Lets queries call the domain's rules by name — <c>Deadlines.Late(now, c.DueAtUtc)</c>, <c>n.IsOpen</c>,
/// <c>ComplaintRules.IsOverdue(…)</c>: before EF Core compiles a query, each call is replaced by the rule's one
/// expression (<see cref="QueryRules.Expand"/>), so SQL and memory decide the same way.
/// </summary>
public sealed class DeadlineRulesInterceptor : IQueryExpressionInterceptor
{
    public static readonly DeadlineRulesInterceptor Instance = new();

    public Expression QueryCompilationStarting(Expression queryExpression, QueryExpressionEventData eventData) =>
        QueryRules.Expand(queryExpression);
}
