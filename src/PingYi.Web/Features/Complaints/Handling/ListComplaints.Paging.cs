using System.Globalization;
using System.Linq.Expressions;
using Microsoft.AspNetCore.DataProtection;
using PingYi.Domain.Common;
using PingYi.Domain.Complaints;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Complaints.Handling;

/// <summary>The list's sort keys and keyset paging: parsing limit, sort, dir and cursor, and ordering after the cursor's row.</summary>
public static partial class ListComplaints
{
    /// <summary>The sort key of "no running deadline": after every real deadline.</summary>
    private static readonly DateTime NoDeadline = new(9999, 12, 31, 0, 0, 0, DateTimeKind.Utc);

    private static readonly Expression<Func<Complaint, DateTime>> SubmittedKey = c => c.SubmittedAtUtc;

    private static readonly Expression<Func<Complaint, DateTime>> DueKey = c =>
        (c.Status == ComplaintStatus.Submitted || c.Status == ComplaintStatus.Assigned) && c.DueAtUtc != null ? c.DueAtUtc.Value : NoDeadline;

    private static readonly Expression<Func<Complaint, int>> EscalationKey = c => c.EscalationLevelNotified;

    /// <summary>The same key as <see cref="DueKey"/>, in memory.</summary>
    private static DateTime DueKeyOf(ComplaintStatus status, DateTime? due) =>
        status is ComplaintStatus.Submitted or ComplaintStatus.Assigned && due is { } d ? d : NoDeadline;

    public sealed partial class Handler
    {
        /// <summary>How the page is ordered and where it starts, as the query asked.</summary>
        /// <param name="Order">The order's name, which a cursor carries: a cursor of another order would skip or repeat rows.</param>
        private sealed record Paging(int Limit, string Sort, bool Ascending, string Order, (long Value, long Id)? After);

        /// <summary>Reads limit, sort, dir and cursor, adding an error for each that is not valid.</summary>
        private Paging ParsePaging(Query query, ValidationErrors errors)
        {
            var limit = DefaultLimit;
            if (!string.IsNullOrWhiteSpace(query.Limit)
                && (!int.TryParse(query.Limit, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxLimit))
            {
                errors.Add("limit", $"每页条数应在 1–{MaxLimit} 之间。");
            }
            var sort = string.IsNullOrWhiteSpace(query.Sort) ? Sorts.Submitted : query.Sort.Trim().ToLowerInvariant();
            if (!Sorts.All.Contains(sort))
            {
                errors.Add("sort", $"排序字段无效，应为 {string.Join("、", Sorts.All)} 之一。");
                sort = Sorts.Submitted;
            }
            var ascending = ParseDirection(query.Dir, sort == Sorts.Due, errors);
            // The cursor names its order: a cursor of another order would skip or repeat rows.
            var order = $"{sort}.{(ascending ? "asc" : "desc")}";
            return new Paging(limit, sort, ascending, order, ParseCursor(query.Cursor, order, errors));
        }

        private static bool ParseDirection(string? dir, bool ascendingByDefault, ValidationErrors errors)
        {
            switch (dir?.Trim().ToLowerInvariant())
            {
                case null or "":
                    return ascendingByDefault;
                case "asc":
                    return true;
                case "desc":
                    return false;
                default:
                    errors.Add("dir", "排序方向应为 asc 或 desc。");
                    return ascendingByDefault;
            }
        }

        private (long Value, long Id)? ParseCursor(string? cursor, string order, ValidationErrors errors)
        {
            if (cursor is not { Length: > 0 } cursorText)
            {
                return null;
            }
            var after = cursorText.Length <= MaxCursorLength && Unprotect(cursorText) is { } opened ? KeysetCursor.Decode(opened, order) : null;
            if (after is null)
            {
                errors.Add("cursor", "翻页游标无效，请从第一页重新查询。");
            }
            return after;
        }

        /// <summary>Orders the complaints by the paging's key and starts after the cursor's row.</summary>
        private static IQueryable<Complaint> OrderAfterCursor(IQueryable<Complaint> complaints, Paging paging)
        {
            var (ascending, after) = (paging.Ascending, paging.After);
            return paging.Sort switch
            {
                Sorts.Due => Keyset(complaints, DueKey, ascending, after is { } a ? (new DateTime(a.Value, DateTimeKind.Utc), a.Id) : null),
                Sorts.Escalation => Keyset(complaints, EscalationKey, ascending, after is { } b ? ((int)b.Value, b.Id) : null),
                _ => Keyset(complaints, SubmittedKey, ascending, after is { } c ? (new DateTime(c.Value, DateTimeKind.Utc), c.Id) : null),
            };
        }

        /// <summary>The row's value of the sort key, as the cursor stores it.</summary>
        private static long KeyOf(string sort, Row r) => sort switch
        {
            Sorts.Due => DueKeyOf(r.Status, r.DueAtUtc).Ticks,
            Sorts.Escalation => r.EscalationLevelNotified,
            _ => r.SubmittedAtUtc.Ticks,
        };

        /// <summary>Orders by (key, id) in <paramref name="ascending"/> order and starts after the cursor's row.</summary>
        private static IQueryable<Complaint> Keyset<TKey>(IQueryable<Complaint> complaints, Expression<Func<Complaint, TKey>> key, bool ascending, (TKey Value, long Id)? after)
        {
            if (after is { } cursor)
            {
                var c = key.Parameters[0];
                // Through a closure, so the values become SQL parameters rather than constants in the query text.
                var value = Expression.Property(Expression.Constant(new Box<TKey>(cursor.Value)), nameof(Box<TKey>.Value));
                var id = Expression.Property(Expression.Constant(new Box<long>(cursor.Id)), nameof(Box<long>.Value));
                var rowId = Expression.Property(c, nameof(Complaint.Id));
                var beyond = ascending ? Expression.GreaterThan(key.Body, value) : Expression.LessThan(key.Body, value);
                var tie = Expression.AndAlso(Expression.Equal(key.Body, value), ascending ? Expression.GreaterThan(rowId, id) : Expression.LessThan(rowId, id));
                complaints = complaints.Where(Expression.Lambda<Func<Complaint, bool>>(Expression.OrElse(beyond, tie), c));
            }
            return ascending
                ? complaints.OrderBy(key).ThenBy(c => c.Id)
                : complaints.OrderByDescending(key).ThenByDescending(c => c.Id);
        }

        private sealed class Box<T>(T value)
        {
            public T Value { get; } = value;
        }

        private string? Unprotect(string text)
        {
            try
            {
                return _cursor.Unprotect(text);
            }
            catch (System.Security.Cryptography.CryptographicException)
            {
                return null;
            }
        }
    }
}
