using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PingYi.Domain.Evaluation;
using PingYi.Web.Features.Notifications;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Evaluation.Survey;

/// <summary>
/// Printable QR codes: supervisors and evaluators print the service-hall survey of every unit in the hall;
/// a unit's handler prints the code of the unit's own online evaluation channel.
/// </summary>
public sealed class QrModel(StaffRounds.Handler rounds, EvaluationRuntime runtime, MailSettings mail) : PageModel
{
    public sealed record Code(string UnitName, string Source, string Path, string Svg);

    public int Year { get; private set; }

    public IReadOnlyList<Code> Codes { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(int? year, CancellationToken ct)
    {
        var open = await rounds.OpenYearsAsync(ct);
        Year = year ?? open.FirstOrDefault();
        if (runtime.Find(Year) is null)
        {
            return NotFound();
        }
        // The configured public address, never the request's Host header (a printed code outlives the request).
        var origin = mail.BaseUrl;
        if (User.IsSupervisor() || User.IsEvaluator())
        {
            var units = await rounds.UnitsAsync(true, null, true, ct);
            Codes = units.Select(u => Make(u.Name, EvaluationCodes.ServiceHall, u.Code, origin)).ToList();
        }
        else if (User.UnitId() is { } unitId)
        {
            var unit = await rounds.UnitAsync(unitId, ct);
            Codes = [Make(unit.Name, EvaluationCodes.UnitChannel, unit.Code, origin)];
        }
        else
        {
            return Forbid();
        }
        return Page();
    }

    private Code Make(string name, string source, string unitCode, string origin)
    {
        var path = PublicSurvey.PathOf(Year, source, unitCode);
        return new Code(name, source, path, PublicSurvey.QrSvg(origin + path));
    }
}
