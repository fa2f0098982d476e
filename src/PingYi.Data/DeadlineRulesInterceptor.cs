using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore.Diagnostics;
using PingYi.Domain.Calendar;

namespace PingYi.Data;

/// <summary>
/// Lets queries say <c>Deadlines.Late(now, c.DueAtUtc)</c>: before EF Core compiles a query, the call is replaced by
/// the domain's one boundary expression, so SQL and memory compare deadlines the same way.
/// </summary>
public sealed class DeadlineRulesInterceptor : IQueryExpressionInterceptor
{
    public static readonly DeadlineRulesInterceptor Instance = new();

    public Expression QueryCompilationStarting(Expression queryExpression, QueryExpressionEventData eventData) =>
        Deadlines.Expand(queryExpression);
}
