namespace PingYi.Web.Features.Scoring;

/// <summary>
/// Approving a round freezes its results: the snapshot is added to the approval's DbContext, so the round's
/// status and its results are saved together or not at all.
/// </summary>
public sealed class SnapshotOnApproval(ScoringResults results) : Evaluation.IRoundApprovalStep
{
    public async Task OnApprovingAsync(Evaluation.RoundContext round, CancellationToken ct) => await results.SnapshotAsync(round, ct);
}
