using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Domain.Evaluation;
using PingYi.Domain.Units;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Evaluation;

/// <summary>A round as the input handlers need it: its database row and its file.</summary>
public sealed record RoundContext(EvaluationRound Round, EvaluationRoundDefinition Definition);

/// <summary>
/// Work that must be saved in the same transaction as a round's approval (the scoring area's result snapshot):
/// called after the round is marked approved and before the one SaveChanges.
/// </summary>
public interface IRoundApprovalStep
{
    Task OnApprovingAsync(RoundContext round, CancellationToken ct);
}

/// <summary>
/// Work saved in the same transaction as a round's opening (the tracking list's follow-up): called once the new round
/// has its id and before the transaction commits, with the account that opens it.
/// </summary>
public interface IRoundOpeningStep
{
    Task OnOpeningAsync(RoundContext round, string openedById, CancellationToken ct);
}

/// <summary>Finds rounds and units and refuses inputs to a round that no longer takes them.</summary>
public sealed class Rounds(PingYiDbContext db, EvaluationRuntime runtime)
{
    public async Task<Result<RoundContext>> FindAsync(int year, CancellationToken ct)
    {
        var definition = runtime.Find(year);
        var round = definition is null ? null : await db.EvaluationRounds.SingleOrDefaultAsync(r => r.Year == year, ct);
        if (definition is null || round is null)
        {
            return RequestFailure.NotFound("评议年度不存在", "year", $"没有已开启的 {year} 年度评议。");
        }
        return new RoundContext(round, definition);
    }

    /// <summary>The round, if it still takes inputs; a closed or approved one answers 409.</summary>
    public async Task<Result<RoundContext>> OpenAsync(int year, CancellationToken ct)
    {
        var found = await FindAsync(year, ct);
        if (found.Succeeded && !found.Value!.Round.AcceptsInputs)
        {
            return RequestFailure.Conflict("评议已截止", "year",
                $"{year} 年度评议{RoundStatuses.LabelOf(found.Value.Round.Status)}，不再接收评议材料。");
        }
        return found;
    }

    public Task<Unit?> UnitAsync(string? code, CancellationToken ct)
    {
        var c = code?.Trim().ToLowerInvariant();
        return string.IsNullOrEmpty(c) ? Task.FromResult<Unit?>(null) : db.Units.AsNoTracking().SingleOrDefaultAsync(u => u.Code == c && u.Active, ct);
    }
}
