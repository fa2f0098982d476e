using Hangfire;
using PingYi.Web.Features.Complaints.Handling;
using PingYi.Web.Features.Complaints.Intake;
using PingYi.Web.Features.Complaints.Timers;
using PingYi.Web.Features.Complaints.Tracking;
using PingYi.Web.Features.Notifications;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Complaints;

/// <summary>
/// The complaint's life: intake (web form and API), the complainant's tracking page, the unit's and the
/// supervisors' handling, and the timer sweep that fires deadlines (docs/workflow.md, docs/deadlines.md).
/// </summary>
public static class ComplaintsModule
{
    public static IServiceCollection AddComplaints(this IServiceCollection services)
    {
        services.AddScoped<SubmitComplaint.Handler>();
        services.AddScoped<LookupComplaint.Handler>();
        services.AddScoped<AddSupplement.Handler>();
        services.AddScoped<GiveFeedback.Handler>();
        services.AddScoped<RecoverAccessCode.Handler>();
        services.AddScoped<ComplaintAccess>();
        services.AddScoped<GetStaffComplaint.Handler>();
        services.AddScoped<PerformAction.Handler>();
        services.AddScoped<Merging.CaseGroups>();
        services.AddScoped<AssignHandler.Handler>();
        services.AddScoped<CaseNotes.Handler>();
        services.AddScoped<ReplyTemplates.Handler>();
        services.AddScoped<BulkAction.Handler>();
        services.AddScoped<SavedViews.Handler>();
        services.AddScoped<ListComplaints.Handler>();
        // The export reads through ConnectionStrings:ReadOnly when it is set (a replica; see ReadOnlyDatabase).
        services.AddReadOnlyHandler<ListComplaints.Handler>();
        services.AddScoped<GetInbox.Handler>();
        services.AddScoped<ViewComplainant.Handler>();
        services.AddScoped<SweepTimers.Handler>();
        services.AddScoped<SweepTimers.Batch>();
        services.AddScoped<SweepTimers.Job>();
        services.AddSingleton<TrackingSession>();
        services.AddScoped<ComplaintSeenLog>();
        services.AddOptions<AttachmentLimits>()
            .BindConfiguration(AttachmentLimits.Section)
            .Validate(l => l.MaxFilesPerComplaint >= 1 && l.MaxBytesPerComplaint >= 1024 * 1024,
                "Attachments:MaxFilesPerComplaint must be at least 1 and Attachments:MaxBytesPerComplaint at least 1 MB.")
            .ValidateOnStart();
        // The one registration of the sweep: scheduled every minute, and runnable now by an Admin, under one lock.
        services.AddPingYiJob(SweepTimers.JobId, async (sp, ct) => await sp.GetRequiredService<SweepTimers.Job>().RunAsync(ct), Cron.Minutely());
        return services;
    }

    public static void MapComplaints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").WithTags("直通车");
        ListCategories.Map(api);
        SubmitComplaintEndpoint.Map(api);
        LookupComplaint.Map(api);
        AddSupplement.Map(api);
        GiveFeedback.Map(api);
        RecoverAccessCode.Map(api);

        var staffApi = app.MapGroup("/api/v1").WithTags("办理");
        ListComplaints.Map(staffApi);
        GetInbox.Map(staffApi);
        PerformAction.Map(staffApi);
        AssignHandler.Map(staffApi);
        CaseNotes.Map(staffApi);
        ReplyTemplates.Map(staffApi);
        BulkAction.Map(staffApi);
        SavedViews.Map(staffApi);
        ViewComplainant.Map(staffApi);
        DownloadAttachment.Map(staffApi);
    }
}
