using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Data.Identity;
using PingYi.Domain.Evaluation;

namespace PingYi.Web.Features.Evaluation;

/// <summary>
/// The round files name liaison accounts by e-mail and units by code, which only the database can confirm:
/// an account renamed or disabled after the file was written, or a typo, would silently leave a liaison
/// group unable to rate. This check says so in the round loader's <c>file: $.path: fault</c> form. It
/// warns rather than stops the app: an administrator disabling an account must not keep the site down.
/// </summary>
public static class LiaisonCheck
{
    public static async Task<IReadOnlyList<string>> FaultsAsync(PingYiDbContext db, IEnumerable<EvaluationRoundDefinition> rounds, CancellationToken ct)
    {
        var evaluatorRole = db.Roles.Where(r => r.Name == StaffRoles.Evaluator).Select(r => r.Id);
        var accounts = await db.Users.AsNoTracking()
            .Select(u => new { u.Email, u.Disabled, u.EvaluationSource, Evaluator = db.UserRoles.Any(ur => ur.UserId == u.Id && evaluatorRole.Contains(ur.RoleId)) })
            .ToListAsync(ct);
        var units = await db.Units.AsNoTracking().Select(u => new { u.Code, u.Active }).ToDictionaryAsync(u => u.Code, u => u.Active, ct);
        var faults = new List<string>();
        foreach (var round in rounds)
        {
            var file = Path.GetFileName(round.Source);
            for (var g = 0; g < round.Liaison.Count; g++)
            {
                var group = round.Liaison[g];
                for (var a = 0; a < group.Accounts.Count; a++)
                {
                    var email = group.Accounts[a];
                    var account = accounts.FirstOrDefault(x => string.Equals(x.Email, email, StringComparison.OrdinalIgnoreCase));
                    var fault = account switch
                    {
                        null => $"no account has the e-mail '{email}' (renamed, or a typo?); the group '{group.Name}' cannot rate through it",
                        { Disabled: true } => $"the account '{email}' is disabled; the group '{group.Name}' cannot rate through it",
                        { Evaluator: false } or { EvaluationSource: not EvaluationCodes.Liaison } =>
                            $"the account '{email}' is not an Evaluator bound to the source 'liaison' (it is '{account.EvaluationSource ?? "none"}'); it cannot rate as a liaison",
                        _ => null,
                    };
                    if (fault is not null)
                    {
                        faults.Add($"{file}: $.liaison[{g}].accounts[{a}]: {fault}");
                    }
                }
                for (var u = 0; u < group.Units.Count; u++)
                {
                    var code = group.Units[u];
                    if (!units.TryGetValue(code, out var active))
                    {
                        faults.Add($"{file}: $.liaison[{g}].units[{u}]: no unit has the code '{code}'");
                    }
                    else if (!active)
                    {
                        faults.Add($"{file}: $.liaison[{g}].units[{u}]: the unit '{code}' is retired");
                    }
                }
            }
        }
        return faults;
    }

    /// <summary>
    /// Runs the check once the host starts (after the database is prepared) and logs each fault as a warning,
    /// in the background so that it never delays a node's start.
    /// </summary>
    public sealed class AtStartup(IServiceScopeFactory scopes, EvaluationRuntime runtime, ILogger<AtStartup> logger) : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken cancellationToken)
        {
            await Task.Yield();
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<PingYiDbContext>();
                var open = await db.EvaluationRounds.AsNoTracking().Where(r => r.Status == RoundStatus.Open).Select(r => r.Year).ToListAsync(cancellationToken);
                foreach (var fault in await FaultsAsync(db, runtime.Rounds.Where(r => open.Contains(r.Year)), cancellationToken))
                {
                    logger.LogWarning("Evaluation round liaison assignment: {Fault}", fault);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A database that is not ready is reported by the start-up steps that need it; this check only informs.
                logger.LogWarning("Could not check the liaison assignments of the open rounds: {Message}", e.Message);
            }
        }
    }
}
