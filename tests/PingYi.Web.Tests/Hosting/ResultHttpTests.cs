using PingYi.Web.Infrastructure;

namespace PingYi.Web.Tests.Hosting;

/// <summary>
/// The one place that turns a handler's <see cref="FailureKind"/> into an HTTP status: every kind has a status with a
/// Chinese title, and the statuses handlers not yet converted still name map back to the same kind.
/// </summary>
public sealed class ResultHttpTests
{
    [Fact]
    public void Every_failure_kind_has_its_own_status_with_a_Chinese_title_and_maps_back()
    {
        var statuses = new HashSet<int>();
        foreach (var kind in Enum.GetValues<FailureKind>())
        {
            var status = ResultHttp.StatusOf(kind);
            Assert.True(statuses.Add(status), $"{kind}: status {status} is taken by another kind");
            Assert.InRange(status, 400, 599);
            Assert.True(ChineseProblemDetails.Titles.ContainsKey(status), $"{kind} → {status} has no Chinese title");
            Assert.Equal(kind, ResultHttp.KindOf(status));
            Assert.Equal(status, RequestFailure.Field(kind, "标题", "f", "消息").StatusCode);
        }
    }

    [Theory]
    [InlineData(400, FailureKind.Invalid)]
    [InlineData(403, FailureKind.Forbidden)]
    [InlineData(404, FailureKind.NotFound)]
    [InlineData(409, FailureKind.Conflict)]
    [InlineData(410, FailureKind.Gone)]
    [InlineData(412, FailureKind.PreconditionFailed)]
    public void A_status_named_by_an_unconverted_handler_is_read_as_its_kind(int status, FailureKind kind)
    {
        var failure = RequestFailure.Field(status, "标题", "field", "消息");
        Assert.Equal(kind, failure.Kind);
        Assert.Equal(["消息"], failure.Errors["field"]);
    }

    [Fact]
    public void A_status_without_a_kind_is_a_bug_not_a_guess()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ResultHttp.KindOf(418));
        Assert.Throws<ArgumentOutOfRangeException>(() => ResultHttp.KindOf(200));
    }
}
