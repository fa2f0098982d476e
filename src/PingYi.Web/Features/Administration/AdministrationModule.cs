using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PingYi.Data.Identity;
using PingYi.Web.Features.Shared;

namespace PingYi.Web.Features.Administration;

/// <summary>The administration area: units, staff accounts, the audit log, and the account rules they enforce.</summary>
public static class AdministrationModule
{
    public static WebApplicationBuilder AddAdministration(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var section = builder.Configuration.GetSection(AccountSettings.Section);
        services.Configure<AccountSettings>(section);
        var settings = section.Get<AccountSettings>() ?? new AccountSettings();

        services.AddHttpContextAccessor();
        services.AddScoped<AuditLog>();
        services.AddScoped<ListAudit.Handler>();
        services.AddScoped<ListOutbox.Handler>();
        services.AddScoped<OutboxMessages.Handler>();
        services.AddScoped<ManageUnits.Handler>();
        services.AddScoped<ManageUsers.Handler>();
        services.AddScoped<ResetTwoFactor.Handler>();
        services.AddScoped<OwnPassword.Handler>();
        services.AddScoped<SecuritySettings.Handler>();

        services.AddAuthorizationBuilder();
        services.Configure<AuthorizationOptions>(AdminPolicies.Add);
        services.AddSingleton<IAuthorizationHandler, UnitAdministrationHandler>();
        services.AddSingleton<IAuthorizationHandler, AccountAdministrationHandler>();
        services.AddSingleton<IAuthorizationHandler, AuditLogHandler>();
        services.Configure<AuthorizationOptions>(SecuritySettings.AddPolicy);
        services.AddSingleton<IAuthorizationHandler, SecurityPolicyHandler>();

        // Password policy: our validator decides length, classes, the e-mail rule and the history, with
        // Chinese messages; the built-in one (English messages) is left with nothing to check.
        services.Configure<IdentityOptions>(o =>
        {
            o.Password.RequiredLength = 1;
            o.Password.RequireDigit = o.Password.RequireLowercase = o.Password.RequireUppercase = o.Password.RequireNonAlphanumeric = false;
            o.Password.RequiredUniqueChars = 1;
            // A disabled account is "unconfirmed" (ActiveAccountConfirmation): sign-in answers NotAllowed.
            o.SignIn.RequireConfirmedAccount = true;
        });
        services.AddScoped<IPasswordValidator<StaffUser>, PasswordPolicyValidator>();
        services.AddScoped<IUserConfirmation<StaffUser>, ActiveAccountConfirmation>();
        services.AddScoped<Microsoft.AspNetCore.Identity.IUserStore<StaffUser>, StaffUserStore>();
        // Every request is checked against the account as it is now (stamp, disabled, roles, unit).
        services.AddScoped<IClaimsTransformation, StaffSessionValidator>();
        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, EndedSessionResultHandler>();
        // The cookie's own stamp check would only repeat ours; the idle timeout is the cookie's sliding expiry.
        services.PostConfigure<CookieAuthenticationOptions>(IdentityConstants.ApplicationScheme, o =>
        {
            o.ExpireTimeSpan = TimeSpan.FromMinutes(settings.IdleTimeoutMinutes);
            o.SlidingExpiration = true;
        });

        services.Configure<RazorPagesOptions>(o => o.Conventions.AuthorizeRoute("/staff/admin", AdminPolicies.AnyAdmin));
        services.Configure<MvcOptions>(o => o.Filters.Add(new ForcePasswordChangeFilter()));
        return builder;
    }

    public static WebApplication MapAdministration(this WebApplication app)
    {
        var admin = app.MapGroup("/api/v1/admin").WithTags("管理");
        ManageUnits.Map(admin);
        UnitSpreadsheet.Map(admin);
        ManageUsers.Map(admin);
        ListAudit.Map(admin);
        SecuritySettings.Map(admin);
        ResetTwoFactor.Map(admin);
        OwnPassword.Map(app.MapGroup("/api/v1/account").WithTags("管理"));
        return app;
    }
}
