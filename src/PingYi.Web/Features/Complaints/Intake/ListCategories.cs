using PingYi.Domain.Complaints;

namespace PingYi.Web.Features.Complaints.Intake;

/// <summary>问题类别: the codes a complaint's <c>category</c> accepts, with their Chinese labels, for a third party's form.</summary>
public static class ListCategories
{
    public sealed record Item(string Code, string Label);

    public static IReadOnlyList<Item> All { get; } = ProblemCategories.Codes.All.Select(c => new Item(c.Code, c.Label)).ToList();

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/categories", () => Results.Ok(All))
            .WithName("ListCategories")
            .WithSummary("问题类别列表")
            .WithDescription("Every problem category a complaint can be lodged under: `code` (what `category` takes) and its Chinese `label`. Public; the list changes only with a release.")
            .Produces<IReadOnlyList<Item>>();
    }
}
