using PingYi.Web.Features.Notifications;

namespace PingYi.Web.Features.Privacy;

/// <summary>PIPL (个人信息保护法): how long a complainant's identity is kept, and the daily job that erases it afterwards.</summary>
public static class PrivacyModule
{
    public const string RetentionKey = "Privacy:ContactRetentionDays";

    /// <summary>False when the retention setting is unusable (already logged).</summary>
    public static bool AddPrivacy(this WebApplicationBuilder builder, ILogger startupLogger)
    {
        var days = builder.Configuration.GetValue<int?>(RetentionKey) ?? PrivacySettings.DefaultRetentionDays;
        if (days < 1)
        {
            startupLogger.LogCritical("Invalid {Setting} = {Days}: the number of days after a case ends before its contact details are erased must be at least 1.", RetentionKey, days);
            return false;
        }
        builder.Services.AddSingleton(new PrivacySettings(days));
        builder.Services.AddScoped<EraseContacts.Handler>();
        // Every day at 03:00 China time (19:00 UTC), when nobody works on cases; also runnable by an Admin.
        builder.Services.AddPingYiJob(EraseContacts.JobId, async (sp, ct) => await sp.GetRequiredService<EraseContacts.Handler>().HandleAsync(ct), "0 19 * * *");
        // Files stored before the allow-list cleaner: run by hand once after upgrading (no schedule).
        builder.Services.AddScoped<Complaints.Intake.RecleanEvidence.Handler>();
        builder.Services.AddPingYiJob(Complaints.Intake.RecleanEvidence.JobId, async (sp, ct) => await sp.GetRequiredService<Complaints.Intake.RecleanEvidence.Handler>().HandleAsync(ct));
        return true;
    }
}

/// <param name="ContactRetentionDays">Days after a case is closed (or declined) that its complainant's identity is kept.</param>
public sealed record PrivacySettings(int ContactRetentionDays)
{
    public const int DefaultRetentionDays = 365;
}
