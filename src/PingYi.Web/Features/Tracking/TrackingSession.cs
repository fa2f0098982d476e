using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;

namespace PingYi.Web.Features.Tracking;

/// <summary>
/// Remembers which case a citizen opened on <c>/track</c>, so that the page can answer a POST with a
/// redirect (Post/Redirect/Get) and a reload shows the case again, without the access code ever being in
/// a URL (where it would be logged, kept in history and sent on). The number and code live in an
/// HttpOnly cookie encrypted and time-limited by Data Protection, scoped to <c>/track</c>; "查询其他反映"
/// forgets it. Every use still verifies the code against the stored hash.
/// </summary>
public sealed class TrackingSession(IDataProtectionProvider dataProtection, TimeProvider time)
{
    public const string CookieName = "pingyi.track";

    /// <summary>Long enough to read a reply and write a supplement; short on a shared phone.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(30);

    // Not ToTimeLimitedDataProtector: it reads the machine clock, and every time here comes from TimeProvider.
    private readonly IDataProtector _protector = dataProtection.CreateProtector("PingYi.Tracking.Session");

    public sealed record Case(string TrackingNumber, string AccessCode);

    private sealed record Payload(string TrackingNumber, string AccessCode, DateTimeOffset ExpiresAt);

    public void Remember(HttpContext http, string trackingNumber, string accessCode)
    {
        var payload = JsonSerializer.Serialize(new Payload(trackingNumber, accessCode, time.GetUtcNow() + Lifetime));
        var protectedValue = _protector.Protect(payload);
        http.Response.Cookies.Append(CookieName, protectedValue, Options(http));
    }

    public Case? Read(HttpContext http)
    {
        if (!http.Request.Cookies.TryGetValue(CookieName, out var value) || string.IsNullOrEmpty(value))
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize<Payload>(_protector.Unprotect(value)) is { } p && p.ExpiresAt > time.GetUtcNow()
                ? new Case(p.TrackingNumber, p.AccessCode)
                : null;
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or JsonException)
        {
            // Expired, tampered with, or from a rotated key: the citizen simply enters the code again.
            return null;
        }
    }

    public void Forget(HttpContext http) => http.Response.Cookies.Delete(CookieName, Options(http));

    private static CookieOptions Options(HttpContext http) => new()
    {
        HttpOnly = true,
        Secure = http.Request.IsHttps,
        SameSite = SameSiteMode.Strict,
        Path = "/track",
        IsEssential = true,
    };
}
