using System.Collections.Concurrent;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Security;

/// <summary>
/// Slows down the client that fails access codes, never the case. A tracking number is not a secret (the unit's
/// handler sees it), so locking a number after wrong codes let the unit lock the complainant out of their own case
/// (review "Protect the whistleblower, second pass", item 3). Instead each client address (IPv4, or the /64 of
/// IPv6, as every limiter here) may fail <c>RateLimits:AccessCodeFreeFailures</c> times; every failure after that
/// makes it wait before its next attempt, twice as long each time (<c>AccessCodeFirstDelay</c>, up to
/// <c>AccessCodeMaxDelay</c>), whatever number it asks about. The count is forgotten once the client has not failed
/// for <c>AccessCodeForgetAfter</c>; a right code does not reset it (anyone can lodge a case of their own to get one).
/// Each number also counts the failures against it from all clients; when they reach
/// <c>TrackingNumberFailures</c> within <c>TrackingNumberWindow</c>, or a client is turned away while naming it,
/// the number counts as throttled and the case's feedback window is extended (<see cref="ShouldExtend"/>).
/// The counts live in this node's memory (docs/security.md).
/// </summary>
public sealed class AccessCodeThrottle(TimeProvider time, RateLimits.Options options)
{
    private sealed class ClientEntry
    {
        public int Failures;
        public DateTime LastFailureUtc;
        public DateTime? WaitUntilUtc;
    }

    private sealed class NumberEntry
    {
        public int Failures;
        public DateTime WindowStartUtc;
        public DateTime? ExtendedAtUtc;
    }

    private readonly ConcurrentDictionary<string, ClientEntry> _clients = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, NumberEntry> _numbers = new(StringComparer.Ordinal);

    /// <summary>Seconds the client must still wait before its next access code is checked, or null.</summary>
    public int? RetryAfterSeconds(string client)
    {
        if (!_clients.TryGetValue(client, out var entry))
        {
            return null;
        }
        var now = Now;
        lock (entry)
        {
            return entry.WaitUntilUtc is { } until && until > now ? Math.Max(1, (int)Math.Ceiling((until - now).TotalSeconds)) : null;
        }
    }

    /// <summary>Counts a wrong code (or an unknown number) from <paramref name="client"/> for <paramref name="number"/>.</summary>
    /// <returns>Whether the number has just reached its failure threshold (the case's lookups are being throttled).</returns>
    public bool RecordFailure(string client, string? number)
    {
        var now = Now;
        var entry = _clients.GetOrAdd(client, _ => new ClientEntry());
        lock (entry)
        {
            if (now - entry.LastFailureUtc > options.AccessCodeForgetAfter)
            {
                entry.Failures = 0;
                entry.WaitUntilUtc = null;
            }
            entry.Failures++;
            entry.LastFailureUtc = now;
            var over = entry.Failures - options.AccessCodeFreeFailures;
            if (over > 0)
            {
                var ticks = options.AccessCodeFirstDelay.Ticks * Math.Pow(2, Math.Min(over - 1, 40));
                entry.WaitUntilUtc = now + TimeSpan.FromTicks((long)Math.Min(ticks, options.AccessCodeMaxDelay.Ticks));
            }
        }
        var reached = false;
        if (number is not null && options.TrackingNumberFailures > 0)
        {
            var n = _numbers.GetOrAdd(number, _ => new NumberEntry { WindowStartUtc = now });
            lock (n)
            {
                if (now - n.WindowStartUtc > options.TrackingNumberWindow)
                {
                    n.Failures = 0;
                    n.WindowStartUtc = now;
                }
                n.Failures++;
                reached = n.Failures >= options.TrackingNumberFailures;
            }
        }
        Prune(now);
        return reached;
    }

    /// <summary>
    /// Whether the case behind <paramref name="number"/> should have its feedback window extended now: at most once
    /// per <c>TrackingNumberWindow</c>, so an attack costs one write an hour, not one a request.
    /// </summary>
    public bool ShouldExtend(string number)
    {
        var now = Now;
        var n = _numbers.GetOrAdd(number, _ => new NumberEntry { WindowStartUtc = now });
        lock (n)
        {
            if (n.ExtendedAtUtc is { } at && now - at < options.TrackingNumberWindow)
            {
                return false;
            }
            n.ExtendedAtUtc = now;
            return true;
        }
    }

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    // Keeps memory bounded: entries past every window carry no information.
    private void Prune(DateTime now)
    {
        if (_clients.Count >= 10_000)
        {
            foreach (var (key, entry) in _clients)
            {
                if (now - entry.LastFailureUtc > options.AccessCodeForgetAfter && (entry.WaitUntilUtc is null || entry.WaitUntilUtc <= now))
                {
                    _clients.TryRemove(key, out _);
                }
            }
        }
        if (_numbers.Count >= 10_000)
        {
            foreach (var (key, entry) in _numbers)
            {
                if (now - entry.WindowStartUtc > options.TrackingNumberWindow && (entry.ExtendedAtUtc is null || now - entry.ExtendedAtUtc > options.TrackingNumberWindow))
                {
                    _numbers.TryRemove(key, out _);
                }
            }
        }
    }
}

/// <summary>Thrown by the access-code check while the client must wait; answered with 429 by <see cref="SecurityModule"/>.</summary>
public sealed class AccessCodeThrottledException(int retryAfterSeconds) : Exception("This client failed too many access codes and must wait.")
{
    public int RetryAfterSeconds { get; } = Math.Max(1, retryAfterSeconds);
}

/// <summary>
/// Thrown when a signed-in staff account sends an access code: staff read cases through their own view and have no
/// reason to use a complainant's code. Answered with 403 by <see cref="SecurityModule"/>; the attempt is audited.
/// </summary>
public sealed class StaffAccessCodeException() : Exception("Staff accounts may not use complainants' access codes.");
