namespace PingYi.Web.Features.Scoring;

public static class ChannelScoresRegistration
{
    /// <summary>The 直通车 channel score over the handling record (the composite and the ranking read it through <see cref="IChannelScores"/>).</summary>
    public static IServiceCollection AddChannelScores(this IServiceCollection services) =>
        services.AddScoped<IChannelScores, ChannelScoresFromRecord>();
}
