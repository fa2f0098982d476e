using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Mvc;
using PingYi.Data.Identity;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Security;

/// <summary>
/// Production defaults (issue 8, items 10 and 11). Everything outside the Development environment gets them:
/// Data Protection keys encrypted at rest, <c>__Host-</c> cookies that are always <c>Secure</c>, HSTS and HTTPS
/// redirection (unless TLS ends at a proxy), and the API documentation only for signed-in Admins.
/// Development keeps plain http on localhost working.
/// </summary>
public static class ProductionDefaults
{
    public const string CertificateKey = "DataProtection:Certificate";
    public const string CertificatePasswordKey = "DataProtection:CertificatePassword";
    public const string AllowUnprotectedKeysKey = "DataProtection:AllowUnprotectedKeys";
    public const string BehindTlsProxyKey = "Https:BehindTlsProxy";
    public const string BaseUrlKey = "Mail:BaseUrl";
    public const string AllowedHostsKey = "AllowedHosts";

    /// <summary>
    /// False when the keys cannot be protected (already logged, one line naming the setting): a start without
    /// protected keys would write the keys that seal sign-in cookies, tracking sessions and list cursors to the
    /// database in plain text, where anyone with a backup could forge an Admin's cookie.
    /// </summary>
    public static bool AddPingYiProductionDefaults(this WebApplicationBuilder builder, ILogger startupLogger)
    {
        var services = builder.Services;
        var development = builder.Environment.IsDevelopment();
        services.AddSingleton(new AppCookies(hostPrefixed: !development));
        if (development)
        {
            return true;
        }
        // Both checks run, so that one start names every setting that is missing.
        var publicAddress = CheckPublicAddress(builder, startupLogger);
        if (!ProtectKeys(builder, startupLogger) || !publicAddress)
        {
            return false;
        }

        // Every cookie, whoever sets it: Identity's (application, external, two-factor), antiforgery, TempData,
        // and ours through AppCookies. __Host- makes the browser refuse the cookie unless it is Secure, has
        // Path=/ and no Domain, so a sibling subdomain or plain-http page cannot plant or overwrite it.
        services.PostConfigureAll<CookieAuthenticationOptions>(o => HostCookie(o.Cookie, o.Cookie.Name ?? "pingyi.auth"));
        services.PostConfigure<AntiforgeryOptions>(o => HostCookie(o.Cookie, "pingyi.af"));
        services.PostConfigure<CookieTempDataProviderOptions>(o => HostCookie(o.Cookie, "pingyi.tempdata"));
        services.AddHsts(o =>
        {
            o.MaxAge = TimeSpan.FromDays(365);
            o.IncludeSubDomains = false;
        });
        return true;
    }

    private static void HostCookie(CookieBuilder cookie, string name)
    {
        cookie.Name = AppCookies.HostPrefix + name.TrimStart('.');
        cookie.SecurePolicy = CookieSecurePolicy.Always;
        cookie.Path = "/";
        cookie.Domain = null;
    }

    /// <summary>
    /// The site's public address: links in mail, set-password links and survey QR codes are built from
    /// <c>Mail:BaseUrl</c>, never from a request's Host header, and <c>AllowedHosts</c> makes the app refuse requests
    /// for any other host. Without them a deployment would mail links to localhost or to whatever host a caller sent.
    /// </summary>
    private static bool CheckPublicAddress(WebApplicationBuilder builder, ILogger logger)
    {
        var configuration = builder.Configuration;
        var environment = builder.Environment.EnvironmentName;
        var ok = true;
        var baseUrl = configuration[BaseUrlKey]?.Trim();
        Uri? baseUri = null;
        if (string.IsNullOrEmpty(baseUrl) || !Uri.TryCreate(baseUrl, UriKind.Absolute, out baseUri) || baseUri.Scheme != Uri.UriSchemeHttps)
        {
            logger.LogCritical("Refusing to start in the {Environment} environment without an absolute https {Setting} (now '{Value}'): set it to the site's public address, e.g. https://pingyi.example.gov.cn.",
                environment, BaseUrlKey, baseUrl ?? "");
            ok = false;
            baseUri = null;
        }
        var hosts = (configuration[AllowedHostsKey] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (hosts.Length == 0 || hosts.Contains("*"))
        {
            logger.LogCritical("Refusing to start in the {Environment} environment without {Setting}: list the site's host names separated by ';' (e.g. pingyi.example.gov.cn), not '*'.",
                environment, AllowedHostsKey);
            ok = false;
        }
        else if (baseUri is not null && !hosts.Any(h => HostMatches(h, baseUri.Host)))
        {
            logger.LogCritical("Refusing to start in the {Environment} environment: {BaseUrl} names the host {Host}, which {Setting} ({Hosts}) does not allow, so every link in mail would be refused.",
                environment, BaseUrlKey, baseUri.Host, AllowedHostsKey, string.Join(';', hosts));
            ok = false;
        }
        return ok;
    }

    private static bool HostMatches(string pattern, string host) =>
        pattern.StartsWith("*.", StringComparison.Ordinal)
            ? host.EndsWith(pattern[1..], StringComparison.OrdinalIgnoreCase)
            : string.Equals(pattern, host, StringComparison.OrdinalIgnoreCase);

    private static bool ProtectKeys(WebApplicationBuilder builder, ILogger logger)
    {
        var configuration = builder.Configuration;
        var path = configuration[CertificateKey];
        if (string.IsNullOrWhiteSpace(path))
        {
            if (configuration.GetValue(AllowUnprotectedKeysKey, false))
            {
                // Every start, so that nobody forgets it was meant to be temporary.
                logger.LogWarning("Data Protection keys are stored unencrypted ({Setting}=true): anyone who can read the database or a backup can forge sign-in cookies. Set {Certificate} and {Password} instead.",
                    AllowUnprotectedKeysKey, CertificateKey, CertificatePasswordKey);
                return true;
            }
            logger.LogCritical("Refusing to start in the {Environment} environment with unprotected Data Protection keys: set {Certificate} (a .pfx file) and {Password}, or {Allow}=true to accept plain-text keys.",
                builder.Environment.EnvironmentName, CertificateKey, CertificatePasswordKey, AllowUnprotectedKeysKey);
            return false;
        }
        X509Certificate2 certificate;
        var file = Path.GetFullPath(path, builder.Environment.ContentRootPath);
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(file, configuration[CertificatePasswordKey]);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            logger.LogCritical("Cannot read the Data Protection certificate {File} ({Reason}): check {Certificate} and {Password}.",
                file, e.Message.ReplaceLineEndings(" ").Trim(), CertificateKey, CertificatePasswordKey);
            return false;
        }
        if (!certificate.HasPrivateKey || certificate.GetRSAPrivateKey() is null)
        {
            logger.LogCritical("The Data Protection certificate {File} has no RSA private key: {Certificate} must name a .pfx with one.", file, CertificateKey);
            return false;
        }
        // Keys stay in the database (PersistKeysToDbContext), which every node reads; only their XML is encrypted.
        builder.Services.AddDataProtection()
            .ProtectKeysWithCertificate(certificate)
            .UnprotectKeysWithAnyCertificate(certificate);
        return true;
    }

    /// <summary>
    /// HSTS and HTTPS redirection outside Development, unless <c>Https:BehindTlsProxy</c> says TLS ends at a proxy.
    /// Then the proxy redirects and sends HSTS itself, and only forwards what it received over TLS: every request is
    /// treated as https (whether or not the proxy sends X-Forwarded-Proto), so that Secure cookies and antiforgery work.
    /// </summary>
    public static void UsePingYiTransportSecurity(this WebApplication app)
    {
        if (app.Environment.IsDevelopment())
        {
            return;
        }
        if (app.Configuration.GetValue(BehindTlsProxyKey, false))
        {
            app.Use((http, next) =>
            {
                http.Request.Scheme = Uri.UriSchemeHttps;
                return next(http);
            });
            return;
        }
        app.UseHsts();
        app.UseHttpsRedirection();
    }

    /// <summary>
    /// The OpenAPI document and the Scalar reference outside Development: 404 to anyone not signed in (the
    /// documentation is not advertised), 403 to signed-in staff who are not Admins, open to Admins (cookie or bearer).
    /// </summary>
    public static void UsePingYiApiDocsGate(this WebApplication app)
    {
        if (app.Environment.IsDevelopment())
        {
            return;
        }
        app.Use(async (http, next) =>
        {
            if (http.Request.Path.StartsWithSegments("/openapi") || http.Request.Path.StartsWithSegments("/scalar"))
            {
                var signedIn = await http.AuthenticateAsync();
                if (!signedIn.Succeeded)
                {
                    http.Response.StatusCode = StatusCodes.Status404NotFound;
                    return;
                }
                if (!signedIn.Principal!.IsAdmin())
                {
                    http.Response.StatusCode = StatusCodes.Status403Forbidden;
                    return;
                }
            }
            await next(http);
        });
    }
}

/// <summary>
/// Names and options of the cookies the app sets itself (the tracking session, the survey key). Outside
/// Development: <c>__Host-</c> and always Secure, like the framework's cookies (<see cref="ProductionDefaults"/>).
/// </summary>
public sealed class AppCookies(bool hostPrefixed)
{
    public const string HostPrefix = "__Host-";

    public string Name(string name) => hostPrefixed ? HostPrefix + name : name;

    public CookieOptions Options(HttpContext http, SameSiteMode sameSite, TimeSpan? maxAge = null) => new()
    {
        HttpOnly = true,
        Secure = hostPrefixed || http.Request.IsHttps,
        SameSite = sameSite,
        Path = "/",
        MaxAge = maxAge,
        IsEssential = true,
    };
}
