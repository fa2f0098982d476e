using PingYi.Web.Features.Intake;

namespace PingYi.Web.Features.Security;

/// <summary>The whistleblower protections of issue 8 (see docs/security.md), registered in one place.</summary>
public static class SecurityRegistration
{
    public static WebApplicationBuilder AddPingYiSecurity(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddScoped<IdempotencyKeys.Purge>();
        return builder;
    }
}
