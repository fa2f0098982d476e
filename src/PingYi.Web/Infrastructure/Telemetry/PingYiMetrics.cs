using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Data.Outbox;

namespace PingYi.Web.Infrastructure.Telemetry;

/// <summary>
/// The domain's own instruments (meter and activity source <c>PingYi</c>); docs/operations.md says what each
/// means and which alerts to set on them. Counters cost nothing while no exporter listens.
/// </summary>
public sealed class PingYiMetrics : IDisposable
{
    public const string Name = "PingYi";

    /// <summary>Spans of our own: each background job, each SMTP send, each outbox write.</summary>
    public static readonly ActivitySource Source = new(Name);

    /// <summary>The span of writing notices to the outbox (in the save's own request or job): one name for every writer.</summary>
    public static Activity? StartOutboxWrite(int notices)
    {
        var activity = Source.StartActivity("outbox write");
        activity?.SetTag("pingyi.notices", notices);
        return activity;
    }

    /// <summary>The outbox gauges read the database at most this often (two gauges, one query pair).</summary>
    private static readonly TimeSpan OutboxSnapshotAge = TimeSpan.FromSeconds(5);

    private readonly Meter _meter;
    private readonly Counter<long> _lodged;
    private readonly Counter<long> _actions;
    private readonly Counter<long> _timers;
    private readonly Histogram<double> _sweep;
    private readonly Counter<long> _noticesWritten;
    private readonly Counter<long> _noticesDelivered;
    private readonly Counter<long> _noticesFailed;
    private readonly Counter<long> _sheds;
    private readonly Counter<long> _databaseUnavailable;
    private readonly IServiceScopeFactory _scopes;
    private readonly TimeProvider _time;
    private readonly Lock _outboxLock = new();
    private (DateTime ReadAt, long Pending, double OldestSeconds)? _outbox;

    public PingYiMetrics(IMeterFactory meters, IServiceScopeFactory scopes, TimeProvider time)
    {
        _scopes = scopes;
        _time = time;
        _meter = meters.Create(Name);
        _lodged = _meter.CreateCounter<long>("pingyi.complaints.lodged", "{complaint}", "Complaints lodged (web form and API; replays of an idempotent request not counted).");
        _actions = _meter.CreateCounter<long>("pingyi.actions.performed", "{action}", "Workflow actions performed and saved, by action (assign, accept, respond, feedback, ...).");
        _timers = _meter.CreateCounter<long>("pingyi.timers.fired", "{timer}", "Deadline timers fired by the sweep.");
        _sweep = _meter.CreateHistogram<double>("pingyi.sweep.duration", "s", "Duration of one timer sweep run.");
        _noticesWritten = _meter.CreateCounter<long>("pingyi.notices.written", "{message}", "Outbox rows written (one per notice and recipient), by template.");
        _noticesDelivered = _meter.CreateCounter<long>("pingyi.notices.delivered", "{message}", "Outbox rows delivered (SMTP accepted, or written to the pickup folder).");
        _noticesFailed = _meter.CreateCounter<long>("pingyi.notices.failed", "{message}", "Outbox rows given up (permanent refusal, retries exhausted, or interrupted mid-send).");
        _sheds = _meter.CreateCounter<long>("pingyi.overload.shed", "{request}", "Requests refused with 503 by load shedding.");
        _databaseUnavailable = _meter.CreateCounter<long>("pingyi.database.unavailable", "{request}", "Requests answered 503 because the database could not be reached.");
        _meter.CreateObservableGauge("pingyi.outbox.pending", () => OutboxMeasurements(o => o.Pending), "{message}",
            "Outbox rows waiting to be sent (including staff mail held for quiet hours).");
        _meter.CreateObservableGauge("pingyi.outbox.oldest_pending_age", () => OutboxMeasurements(o => o.OldestSeconds), "s",
            "How long the oldest pending row has been due (0 when none is due).");
    }

    public void ComplaintLodged() => _lodged.Add(1);

    public void ActionPerformed(string action) => _actions.Add(1, new KeyValuePair<string, object?>("action", action));

    public void SweepCompleted(int fired, TimeSpan elapsed)
    {
        _timers.Add(fired);
        _sweep.Record(elapsed.TotalSeconds);
    }

    public void NoticesWritten(string template, int count) => _noticesWritten.Add(count, new KeyValuePair<string, object?>("template", template));

    public void NoticeDelivered() => _noticesDelivered.Add(1);

    public void NoticesFailed(int count) => _noticesFailed.Add(count);

    public void Shed() => _sheds.Add(1);

    public void DatabaseUnavailable() => _databaseUnavailable.Add(1);

    private IEnumerable<Measurement<T>> OutboxMeasurements<T>(Func<(long Pending, double OldestSeconds), T> pick) where T : struct
    {
        var snapshot = OutboxSnapshot();
        return snapshot is { } s ? [new Measurement<T>(pick((s.Pending, s.OldestSeconds)))] : [];
    }

    /// <summary>Null when the database cannot be read now (no measurement rather than a false zero).</summary>
    private (DateTime ReadAt, long Pending, double OldestSeconds)? OutboxSnapshot()
    {
        var now = _time.GetUtcNow().UtcDateTime;
        lock (_outboxLock)
        {
            if (_outbox is { } cached && now - cached.ReadAt < OutboxSnapshotAge && now >= cached.ReadAt)
            {
                return cached;
            }
            try
            {
                using var scope = _scopes.CreateScope();
                var db = scope.ServiceProvider.GetRequiredService<PingYiDbContext>();
                var pending = db.OutboxMessages.AsNoTracking().LongCount(m => m.State == OutboxState.Pending);
                var oldestDue = OutboxHealthCheck.OldestDue(db, now).FirstOrDefault();
                _outbox = (now, pending, oldestDue is { } due ? (now - due).TotalSeconds : 0);
            }
            catch (Exception e) when (Infrastructure.DatabaseUnavailable.Transient(e) is not null || e is InvalidOperationException)
            {
                _outbox = null;
            }
            return _outbox;
        }
    }

    public void Dispose() => _meter.Dispose();
}
