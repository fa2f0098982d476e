using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using PingYi.Data.Administration;
using PingYi.Data.Identity;
using PingYi.Data.Outbox;
using PingYi.Domain.Complaints;
using PingYi.Domain.Evaluation;
using PingYi.Domain.Scoring;
using PingYi.Domain.Units;

namespace PingYi.Data;

public sealed class PingYiDbContext(DbContextOptions<PingYiDbContext> options)
    : IdentityDbContext<StaffUser>(options), IDataProtectionKeyContext
{
    public DbSet<Unit> Units => Set<Unit>();

    public DbSet<Complaint> Complaints => Set<Complaint>();

    public DbSet<ComplaintEvent> ComplaintEvents => Set<ComplaintEvent>();

    public DbSet<SupervisionNotice> SupervisionNotices => Set<SupervisionNotice>();

    public DbSet<HandlingRecord> HandlingRecords => Set<HandlingRecord>();

    public DbSet<ComplaintNote> ComplaintNotes => Set<ComplaintNote>();

    public DbSet<ReplyTemplate> ReplyTemplates => Set<ReplyTemplate>();

    public DbSet<SavedListView> SavedListViews => Set<SavedListView>();

    public DbSet<CalendarUpload> CalendarUploads => Set<CalendarUpload>();

    public DbSet<ComplainantContact> ComplainantContacts => Set<ComplainantContact>();

    public DbSet<Attachment> Attachments => Set<Attachment>();

    public DbSet<ComplaintSeen> ComplaintSeen => Set<ComplaintSeen>();

    public DbSet<ComplaintLink> ComplaintLinks => Set<ComplaintLink>();

    public DbSet<TrackingCounter> TrackingCounters => Set<TrackingCounter>();

    public DbSet<IdempotencyRecord> IdempotencyRecords => Set<IdempotencyRecord>();

    public DbSet<Recovery.AccessCodeRecovery> AccessCodeRecoveries => Set<Recovery.AccessCodeRecovery>();

    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();

    public DbSet<EvaluationRound> EvaluationRounds => Set<EvaluationRound>();

    public DbSet<EvaluationScheme> EvaluationSchemes => Set<EvaluationScheme>();

    public DbSet<EvaluationResponse> EvaluationResponses => Set<EvaluationResponse>();

    public DbSet<SurveyCodeBatch> SurveyCodeBatches => Set<SurveyCodeBatch>();

    public DbSet<SurveyCode> SurveyCodes => Set<SurveyCode>();

    public DbSet<Inspection> Inspections => Set<Inspection>();

    public DbSet<Deduction> Deductions => Set<Deduction>();

    public DbSet<Appeal> Appeals => Set<Appeal>();

    public DbSet<EvaluationExclusion> EvaluationExclusions => Set<EvaluationExclusion>();

    public DbSet<EvaluationFile> EvaluationFiles => Set<EvaluationFile>();
    public DbSet<RectificationItem> RectificationItems => Set<RectificationItem>();
    public DbSet<RectificationProgress> RectificationProgress => Set<RectificationProgress>();

    public DbSet<AuditRecord> AuditRecords => Set<AuditRecord>();

    public DbSet<PriorRank> PriorRanks => Set<PriorRank>();

    public DbSet<AccountabilityFlag> AccountabilityFlags => Set<AccountabilityFlag>();

    public DbSet<ResultSnapshot> ResultSnapshots => Set<ResultSnapshot>();

    public DbSet<ResultSnapshotPart> ResultSnapshotParts => Set<ResultSnapshotPart>();
    public DbSet<MonthlySnapshot> MonthlySnapshots => Set<MonthlySnapshot>();

    public DbSet<PasswordHistoryEntry> PasswordHistory => Set<PasswordHistoryEntry>();

    public DbSet<SecurityPolicy> SecurityPolicies => Set<SecurityPolicy>();

    public DbSet<CompletedDataStep> CompletedDataSteps => Set<CompletedDataStep>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(PingYiDbContext).Assembly);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Every DateTime is UTC. SQLite hands values back as Unspecified; say what they are.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<UtcDateTimeConverter>();
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        foreach (var entry in ChangeTracker.Entries<Complaint>())
        {
            if (entry.State == EntityState.Modified || entry.State == EntityState.Unchanged && HasNewEvents(entry.Entity))
            {
                entry.Entity.BumpVersion();
            }
        }
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    // An appended audit event changes the case even when no column of its row did: it must still
    // win or lose the optimistic-concurrency race.
    private bool HasNewEvents(Complaint complaint) =>
        complaint.Events.Any(e => Entry(e).State == EntityState.Added)
        || complaint.SupervisionNotices.Any(n => Entry(n).State is EntityState.Added or EntityState.Modified);

    private sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
        v => v.Kind == DateTimeKind.Utc ? v : DateTime.SpecifyKind(v.ToUniversalTime(), DateTimeKind.Utc),
        v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
}
