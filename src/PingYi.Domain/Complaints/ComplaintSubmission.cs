using System.Net.Mail;
using System.Text.RegularExpressions;
using PingYi.Domain.Common;

namespace PingYi.Domain.Complaints;

/// <summary>What a citizen sends, as typed. <see cref="Validate"/> turns it into a <see cref="ValidComplaintSubmission"/>.</summary>
public sealed partial record ComplaintSubmission(
    string? UnitCode,
    string? Category,
    string? Title,
    string? Description,
    string? OccurredOn,
    string? Location,
    bool Anonymous,
    string? Name,
    string? Phone,
    string? Email)
{
    public const int TitleMax = 100;
    public const int DescriptionMin = 10;
    public const int DescriptionMax = 5000;
    public const int LocationMax = 200;
    public const int NameMax = 50;

    /// <summary>Checks every field; <paramref name="today"/> is the date in China, which bounds <c>occurredOn</c>.</summary>
    public ValidComplaintSubmission? Validate(DateOnly today, ValidationErrors errors)
    {
        // No unit (left out): the citizen does not know which unit is responsible; the case is 待确定单位 until a
        // supervisor chooses one at triage.
        var unitCode = Text.Clean(UnitCode, multiline: false)?.ToLowerInvariant();

        if (string.IsNullOrWhiteSpace(Category))
        {
            errors.Add("category", "请选择问题类别。");
        }
        else if (!ProblemCategories.Codes.TryParse(Category, out _))
        {
            errors.Add("category", $"问题类别无效，应为 {ProblemCategories.Codes.CodesForMessage} 之一。");
        }
        ProblemCategories.Codes.TryParse(Category, out var category);

        var title = Text.Clean(Title, multiline: false);
        if (title is null)
        {
            errors.Add("title", "请填写标题。");
        }
        else if (Text.CharacterCount(title) > TitleMax)
        {
            errors.Add("title", $"标题不能超过 {TitleMax} 个字。");
        }

        var description = Text.Clean(Description, multiline: true);
        var descriptionLength = description is null ? 0 : Text.CharacterCount(description);
        if (descriptionLength < DescriptionMin)
        {
            errors.Add("description", $"问题描述至少 {DescriptionMin} 个字，请写清楚时间、地点、经过。");
        }
        else if (descriptionLength > DescriptionMax)
        {
            errors.Add("description", $"问题描述不能超过 {DescriptionMax} 个字（当前 {descriptionLength} 个字）。");
        }

        DateOnly? occurredOn = null;
        var occurredText = Text.Clean(OccurredOn, multiline: false);
        if (occurredText is not null)
        {
            // Only the 10 characters of yyyy-MM-dd (padding included), as /openapi/v1.json states.
            if (OccurredOn!.Length > 10 || !DateOnly.TryParseExact(occurredText, "yyyy-MM-dd", out var d))
            {
                errors.Add("occurredOn", "发生日期格式应为 YYYY-MM-DD。");
            }
            else if (d > today)
            {
                errors.Add("occurredOn", "发生日期不能晚于今天。");
            }
            else if (d.Year < 2000)
            {
                errors.Add("occurredOn", "发生日期不能早于 2000 年。");
            }
            else
            {
                occurredOn = d;
            }
        }

        var location = Text.Clean(Location, multiline: false);
        if (location is not null && Text.CharacterCount(location) > LocationMax)
        {
            errors.Add("location", $"发生地点不能超过 {LocationMax} 个字。");
        }

        ContactDetails? contact = null;
        if (!Anonymous)
        {
            contact = ValidateContact(errors);
        }

        return errors.IsEmpty
            ? new ValidComplaintSubmission(unitCode, category, title!, description!, occurredOn, location, contact)
            : null;
    }

    private ContactDetails? ValidateContact(ValidationErrors errors)
    {
        var name = Text.Clean(Name, multiline: false);
        var phone = Text.Clean(Phone, multiline: false)?.Replace(" ", "");
        var email = Text.Clean(Email, multiline: false);
        var ok = true;
        if (name is null)
        {
            errors.Add("complainant.name", "实名反映请填写姓名；不愿留名请选择匿名反映。");
            ok = false;
        }
        else if (Text.CharacterCount(name) > NameMax)
        {
            errors.Add("complainant.name", $"姓名不能超过 {NameMax} 个字。");
            ok = false;
        }
        if (phone is null && email is null)
        {
            errors.Add("complainant.phone", "实名反映请至少留下手机号码或电子邮箱中的一项，以便回访。");
            ok = false;
        }
        if (phone is not null && !PhonePattern().IsMatch(phone))
        {
            errors.Add("complainant.phone", "电话号码格式不正确，请填写 11 位手机号码或带区号的固定电话。");
            ok = false;
        }
        if (email is not null && !IsEmail(email))
        {
            errors.Add("complainant.email", "电子邮箱格式不正确。");
            ok = false;
        }
        return ok ? new ContactDetails(name!, phone, email) : null;
    }

    private static bool IsEmail(string email) =>
        email.Length <= 254
        && MailAddress.TryCreate(email, out var address)
        && address.Address == email
        && address.Host.Contains('.');

    // Mainland mobile numbers, or a landline with its area code (0431-88888888).
    [GeneratedRegex(@"^(\+?86)?(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")]
    private static partial Regex PhonePattern();
}

/// <summary>
/// A submission whose every field passed validation; <see cref="Contact"/> is null for an anonymous one, and
/// <see cref="UnitCode"/> null when the citizen did not know the unit (待确定单位).
/// </summary>
public sealed record ValidComplaintSubmission(
    string? UnitCode,
    ProblemCategory Category,
    string Title,
    string Description,
    DateOnly? OccurredOn,
    string? Location,
    ContactDetails? Contact);
