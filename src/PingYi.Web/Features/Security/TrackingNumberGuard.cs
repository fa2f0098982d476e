using System.Collections.Concurrent;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Security;

/// <summary>
/// Counts wrong access codes per tracking number, from every address together: an attacker with many addresses
/// (a botnet, an IPv6 range) gets past the per-address limit, but not past this. After
/// <c>RateLimits:TrackingNumberFailures</c> wrong codes within <c>RateLimits:TrackingNumberWindow</c>, the number
/// answers 429 to everyone, the right code included, for <c>RateLimits:TrackingNumberLock</c>. Unknown numbers
/// are counted the same way, so the lock says nothing about whether a number exists.
/// The counts live in this node's memory: with several nodes each counts its own share (docs/security.md).
/// </summary>
public sealed class TrackingNumberGuard(TimeProvider time, RateLimits.Options options)
{
    private sealed class Entry
    {
        public int Failures;
        public DateTime WindowStartUtc;
        public DateTime? LockedUntilUtc;
    }

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>Throws <see cref="TrackingNumberLockedException"/> while <paramref name="number"/> is locked.</summary>
    public void ThrowIfLocked(string number)
    {
        if (_entries.TryGetValue(number, out var entry))
        {
            var now = time.GetUtcNow().UtcDateTime;
            lock (entry)
            {
                if (entry.LockedUntilUtc is { } until && until > now)
                {
                    throw new TrackingNumberLockedException((int)Math.Ceiling((until - now).TotalSeconds));
                }
            }
        }
    }

    public void RecordFailure(string number)
    {
        if (options.TrackingNumberFailures <= 0)
        {
            return;
        }
        var now = time.GetUtcNow().UtcDateTime;
        var entry = _entries.GetOrAdd(number, _ => new Entry { WindowStartUtc = now });
        lock (entry)
        {
            if (now - entry.WindowStartUtc > options.TrackingNumberWindow || entry.LockedUntilUtc is { } until && until <= now)
            {
                entry.Failures = 0;
                entry.WindowStartUtc = now;
                entry.LockedUntilUtc = null;
            }
            entry.Failures++;
            if (entry.Failures >= options.TrackingNumberFailures)
            {
                entry.LockedUntilUtc = now + options.TrackingNumberLock;
            }
        }
        Prune(now);
    }

    // Keeps memory bounded: entries whose window and lock are over carry no information.
    private void Prune(DateTime now)
    {
        if (_entries.Count < 10_000)
        {
            return;
        }
        foreach (var (key, entry) in _entries)
        {
            if (now - entry.WindowStartUtc > options.TrackingNumberWindow && (entry.LockedUntilUtc is null || entry.LockedUntilUtc <= now))
            {
                _entries.TryRemove(key, out _);
            }
        }
    }
}

/// <summary>Thrown by the access-code check while a tracking number is locked; answered with 429 by <see cref="SecurityRegistration"/>.</summary>
public sealed class TrackingNumberLockedException(int retryAfterSeconds) : Exception("The tracking number is locked after repeated wrong access codes.")
{
    public int RetryAfterSeconds { get; } = Math.Max(1, retryAfterSeconds);
}
