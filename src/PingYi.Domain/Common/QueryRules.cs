using System.Collections.Concurrent;
using System.Linq.Expressions;
using System.Reflection;
using PingYi.Domain.Calendar;

namespace PingYi.Domain.Common;

/// <summary>
/// Marks a domain rule whose body is written once as an expression (the static field named by
/// <see cref="Expression"/>, on the same type): in memory the member runs that expression compiled, and in a query
/// <see cref="QueryRules.Expand"/> puts the expression in its place, so the database evaluates the same rule.
/// For an instance member the expression's first parameter is the instance; the member's own arguments follow.
/// </summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Property, Inherited = false)]
public sealed class ExpandedInQueriesAttribute(string expression) : Attribute
{
    /// <summary>The name of the static <see cref="LambdaExpression"/> field that is the rule.</summary>
    public string Expression { get; } = expression;
}

/// <summary>
/// Lets a LINQ query call the domain's rules by name — <c>n.IsOpen</c>, <c>ComplaintRules.IsOverdue(…)</c>,
/// <c>Deadlines.Late(…)</c> — although no database knows them: the data layer runs <see cref="Expand"/> on every
/// query before EF Core compiles it, which replaces each call of a member marked <see cref="ExpandedInQueriesAttribute"/>
/// (and then each <see cref="Deadlines.Late(DateTime, DateTime)"/>) with its expression.
/// </summary>
public static class QueryRules
{
    private static readonly ConcurrentDictionary<MemberInfo, LambdaExpression?> Rules = new();

    /// <summary><paramref name="query"/> with every domain rule it calls written out.</summary>
    public static Expression Expand(Expression query) => Deadlines.Expand(new RuleInliner().Visit(query));

    /// <summary>The expression a member marked <see cref="ExpandedInQueriesAttribute"/> stands for; null for any other member.</summary>
    public static LambdaExpression? RuleOf(MemberInfo member) => Rules.GetOrAdd(member, static m =>
    {
        if (m.GetCustomAttribute<ExpandedInQueriesAttribute>() is not { } marked)
        {
            return null;
        }
        var field = m.DeclaringType!.GetField(marked.Expression, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
            ?? throw new InvalidOperationException($"{m.DeclaringType.Name}.{m.Name}: no static field {marked.Expression}.");
        return field.GetValue(null) as LambdaExpression
            ?? throw new InvalidOperationException($"{m.DeclaringType.Name}.{marked.Expression} is not an expression.");
    });

    private sealed class RuleInliner : ExpressionVisitor
    {
        protected override Expression VisitMember(MemberExpression node) =>
            node.Member is PropertyInfo && RuleOf(node.Member) is { } rule && node.Expression is { } instance
                ? Visit(Inline(rule, [instance]))
                : base.VisitMember(node);

        protected override Expression VisitMethodCall(MethodCallExpression node)
        {
            if (RuleOf(node.Method) is not { } rule)
            {
                return base.VisitMethodCall(node);
            }
            var arguments = node.Object is { } instance ? [instance, .. node.Arguments] : node.Arguments.ToList();
            return Visit(Inline(rule, arguments));
        }

        private static Expression Inline(LambdaExpression rule, IReadOnlyList<Expression> arguments)
        {
            if (arguments.Count != rule.Parameters.Count)
            {
                throw new InvalidOperationException($"The rule {rule} takes {rule.Parameters.Count} values, the call gives {arguments.Count}.");
            }
            var map = new Dictionary<ParameterExpression, Expression>();
            for (var i = 0; i < arguments.Count; i++)
            {
                map[rule.Parameters[i]] = arguments[i];
            }
            return new Substitute(map).Visit(rule.Body);
        }
    }

    private sealed class Substitute(IReadOnlyDictionary<ParameterExpression, Expression> map) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => map.GetValueOrDefault(node, node);
    }
}
