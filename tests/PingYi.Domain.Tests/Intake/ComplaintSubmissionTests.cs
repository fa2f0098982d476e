using PingYi.Domain.Common;
using PingYi.Domain.Complaints;

namespace PingYi.Domain.Tests.Intake;

public sealed class ComplaintSubmissionTests
{
    private static readonly DateOnly Today = new(2026, 11, 25);

    private static ComplaintSubmission Valid => new(
        "jyt", "formalism", "迎检材料层层加码", "区教育局要求学校在一周内提交三套纸质材料。", "2026-11-20", "长春市", true, null, null, null);

    private static (ValidComplaintSubmission? Result, IDictionary<string, string[]> Errors) Check(ComplaintSubmission s)
    {
        var errors = new ValidationErrors();
        var result = s.Validate(Today, errors);
        return (result, errors.ToDictionary());
    }

    [Fact]
    public void A_valid_anonymous_submission_passes_and_is_cleaned()
    {
        var (result, errors) = Check(Valid with { Title = "  标题\t带制表符 ", UnitCode = " JYT ", Category = "Formalism" });

        Assert.Empty(errors);
        Assert.NotNull(result);
        Assert.Equal("jyt", result.UnitCode);
        Assert.Equal(ProblemCategory.Formalism, result.Category);
        Assert.Equal("标题 带制表符", result.Title);
        Assert.Equal(new DateOnly(2026, 11, 20), result.OccurredOn);
        Assert.Null(result.Contact);
    }

    [Fact]
    public void Description_length_counts_characters_not_bytes()
    {
        Assert.Empty(Check(Valid with { Description = new string('字', 10) }).Errors);
        Assert.Contains("description", Check(Valid with { Description = new string('字', 9) }).Errors.Keys);
        Assert.Empty(Check(Valid with { Description = new string('字', 5000) }).Errors);
        Assert.Contains("description", Check(Valid with { Description = new string('字', 5001) }).Errors.Keys);
        // Ten emoji are ten characters, though twenty UTF-16 units.
        Assert.Empty(Check(Valid with { Description = string.Concat(Enumerable.Repeat("😀", 10)) }).Errors);
    }

    [Fact]
    public void Control_characters_are_removed_and_line_breaks_kept_in_the_description()
    {
        var (result, _) = Check(Valid with { Description = "第一行\r\n第二行\u0000\u0007内容足够长了吧" });

        Assert.Equal("第一行\n第二行内容足够长了吧", result!.Description);
    }

    [Theory]
    [InlineData("13800431234", null, true)]
    [InlineData("+8613800431234", null, true)]
    [InlineData("0431-88901001", null, true)]
    [InlineData(null, "a@example.com", true)]
    [InlineData("12345", null, false)]
    [InlineData(null, "a@b", false)]
    [InlineData(null, "not an email", false)]
    [InlineData(null, null, false)]
    public void A_named_submission_needs_a_name_and_a_valid_phone_or_email(string? phone, string? email, bool ok)
    {
        var (result, errors) = Check(Valid with { Anonymous = false, Name = "王建国", Phone = phone, Email = email });

        Assert.Equal(ok, errors.Count == 0);
        if (ok)
        {
            Assert.Equal("王建国", result!.Contact!.Name);
        }
    }

    [Fact]
    public void An_anonymous_submission_drops_contact_details()
    {
        var (result, _) = Check(Valid with { Name = "王建国", Phone = "13800431234" });

        Assert.Null(result!.Contact);
    }

    [Fact]
    public void Every_field_error_is_reported_at_once_in_Chinese()
    {
        var (result, errors) = Check(new ComplaintSubmission(null, "nope", null, "短", "2027-01-01", new string('地', 201), false, null, null, null));

        Assert.Null(result);
        Assert.Equal(
            ["category", "complainant.name", "complainant.phone", "description", "location", "occurredOn", "title"],
            errors.Keys.Order(StringComparer.Ordinal));
        Assert.All(errors.Values.SelectMany(m => m), m => Assert.Matches(@"\p{IsCJKUnifiedIdeographs}", m));
    }

    [Fact]
    public void A_submission_without_a_unit_is_valid_and_left_to_triage()
    {
        var (result, errors) = Check(Valid with { UnitCode = "  " });

        Assert.Empty(errors);
        Assert.Null(result!.UnitCode);
    }
}
