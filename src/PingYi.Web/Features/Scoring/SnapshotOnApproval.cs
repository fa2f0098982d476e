using PingYi.Web.Features.Evaluation;

namespace PingYi.Web.Features.Scoring;

/// <summary>
/// Approving a round freezes its results: the snapshot is added to the approval's DbContext, so the round's
/// status and its results are saved together or not at all.
/// </summary>
public sealed class SnapshotOnApproval(IServiceProvider services, ILogger<SnapshotOnApproval> logger) : IRoundApprovalStep
{
    public async Task OnApprovingAsync(RoundContext round, CancellationToken ct)
    {
        // The channel score is built in parallel behind IChannelScores; until a host registers it there is no
        // result to freeze, and approval must not fail for that.
        if (services.GetService<IChannelScores>() is null)
        {
            logger.LogWarning("Round {Year} approved without a result snapshot: no IChannelScores is registered.", round.Round.Year);
            return;
        }
        await services.GetRequiredService<ScoringResults>().SnapshotAsync(round, ct);
    }
}
