namespace PingYi.Web.Features.Calendars;

/// <summary>The calendar area: Admins upload a year's holidays; every node follows.</summary>
public static class CalendarsModule
{
    public static IServiceCollection AddCalendars(this IServiceCollection services)
    {
        services.AddScoped<UploadCalendar.Handler>();
        services.AddHostedService<CalendarSync>();
        return services;
    }

    public static IEndpointRouteBuilder MapCalendars(this IEndpointRouteBuilder app)
    {
        UploadCalendar.Map(app);
        return app;
    }
}
