namespace PingYi.Web.Features.Complaints.Intake;

/// <summary>
/// The unit field of the intake forms: a unit code, or 不清楚 — the citizen does not know which unit is
/// responsible, and the case is lodged 待确定单位 (the API's <c>unitCode</c> left out) for a supervisor to
/// choose at triage. Choosing nothing at all is still an error on a form, so that 不清楚 is a choice and not an
/// oversight.
/// </summary>
public static class UnitChoice
{
    /// <summary>The form value of 不清楚 (no unit code is this: codes are the units' own, and this one means none).</summary>
    public const string Unknown = "unknown";

    public const string UnknownLabel = "不清楚（由纪检监察工委确定承办单位）";

    public const string MissingMessage = "请选择被反映的单位；不清楚由哪个单位负责的，请选择“不清楚”。";

    /// <summary>Whether the form came with no choice in the unit field.</summary>
    public static bool Missing(string? formValue) => string.IsNullOrWhiteSpace(formValue);

    /// <summary>The unit code a form value stands for: null for 不清楚.</summary>
    public static string? CodeOf(string? formValue) =>
        string.Equals(formValue?.Trim(), Unknown, StringComparison.OrdinalIgnoreCase) ? null : formValue;
}
