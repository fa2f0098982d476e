using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;

namespace PingYi.Web.Features.Complaints.Tracking;

/// <summary>
/// Remembers which case a citizen opened on <c>/track</c>, so that the page can answer a POST with a
/// redirect (Post/Redirect/Get) and a reload shows the case again, without the access code ever being in
/// a URL (where it would be logged, kept in history and sent on). The number and code live in an
/// HttpOnly, SameSite=Strict cookie encrypted and time-limited by Data Protection; "查询其他反映" forgets it. Every
/// use still verifies the code against the stored hash. Path=/ (not /track) because outside Development the
/// cookie is <c>__Host-</c> prefixed, which requires it; the value is sealed, so other paths learn nothing from it.
/// </summary>
public sealed class TrackingSession(IDataProtectionProvider dataProtection, TimeProvider time, Security.AppCookies cookies)
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
        http.Response.Cookies.Append(cookies.Name(CookieName), protectedValue, Options(http));
    }

    public Case? Read(HttpContext http)
    {
        if (!http.Request.Cookies.TryGetValue(cookies.Name(CookieName), out var value) || string.IsNullOrEmpty(value))
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

    public void Forget(HttpContext http) => http.Response.Cookies.Delete(cookies.Name(CookieName), Options(http));

    private CookieOptions Options(HttpContext http) => cookies.Options(http, SameSiteMode.Strict);
}
