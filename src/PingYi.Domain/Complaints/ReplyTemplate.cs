using System.Text.RegularExpressions;
using PingYi.Domain.Common;

namespace PingYi.Domain.Complaints;

/// <summary>
/// 常用语 (issue 24 §3): a reply text kept as data — the committee's for everyone (<see cref="UnitId"/> null), or one
/// unit's for its handlers — offered in the answer and 督办 forms, its placeholders filled in from the case when chosen.
/// </summary>
public sealed partial class ReplyTemplate
{
    public const int TitleMaxLength = 50;
    public const int TextMaxLength = 2000;

    /// <summary>The placeholders a template may use and what each stands for.</summary>
    public static readonly IReadOnlyList<(string Name, string Meaning)> Placeholders =
    [
        ("受理编号", "反映的受理编号"),
        ("办理期限", "当前办理期限"),
        ("承办单位", "承办单位名称"),
        ("反映标题", "反映的标题"),
    ];

    private ReplyTemplate()
    {
        Title = Text = UpdatedBy = string.Empty;
    }

    public int Id { get; private set; }

    /// <summary>The unit that keeps it; null for the committee's, which every unit and supervisor is offered.</summary>
    public int? UnitId { get; private set; }

    public string Title { get; private set; }

    public string Text { get; private set; }

    public DateTime UpdatedAtUtc { get; private set; }

    /// <summary>The account id of who last wrote it.</summary>
    public string UpdatedBy { get; private set; }

    /// <summary>A new template, or the errors (by the API's field names) that refuse it.</summary>
    public static (ReplyTemplate? Template, ValidationErrors Errors) Create(int? unitId, string? title, string? text, string by, DateTime nowUtc)
    {
        var template = new ReplyTemplate { UnitId = unitId };
        var errors = template.Update(title, text, by, nowUtc);
        return (errors.IsEmpty ? template : null, errors);
    }

    /// <summary>Changes title and text when both are valid; returns the errors otherwise (nothing changed).</summary>
    public ValidationErrors Update(string? title, string? text, string by, DateTime nowUtc)
    {
        Complaint.EnsureUtc(nowUtc);
        var errors = new ValidationErrors();
        var cleanTitle = Common.Text.Clean(title, multiline: false);
        var cleanText = Common.Text.Clean(text, multiline: true);
        if (cleanTitle is null)
        {
            errors.Add("title", "请填写常用语的名称。");
        }
        else if (Common.Text.CharacterCount(cleanTitle) > TitleMaxLength)
        {
            errors.Add("title", $"名称不能超过 {TitleMaxLength} 个字。");
        }
        if (cleanText is null)
        {
            errors.Add("text", "请填写常用语的内容。");
        }
        else if (Common.Text.CharacterCount(cleanText) > TextMaxLength)
        {
            errors.Add("text", $"内容不能超过 {TextMaxLength} 个字（现为 {Common.Text.CharacterCount(cleanText)} 个字）。");
        }
        else
        {
            var unknown = PlaceholderPattern().Matches(cleanText).Select(m => m.Groups[1].Value)
                .Where(n => Placeholders.All(p => p.Name != n)).Distinct().ToList();
            if (unknown.Count > 0)
            {
                errors.Add("text", $"不认识的占位符：{string.Join("、", unknown.Select(n => "{{" + n + "}}"))}。可用的占位符："
                    + string.Join("、", Placeholders.Select(p => "{{" + p.Name + "}}")) + "。");
            }
        }
        if (errors.IsEmpty)
        {
            Title = cleanTitle!;
            Text = cleanText!;
            UpdatedBy = by;
            UpdatedAtUtc = nowUtc;
        }
        return errors;
    }

    /// <summary>The text with each placeholder replaced by the case's value (an empty string where the case has none, e.g. no deadline).</summary>
    public string Fill(IReadOnlyDictionary<string, string?> values) =>
        PlaceholderPattern().Replace(Text, m => values.TryGetValue(m.Groups[1].Value, out var v) ? v ?? string.Empty : m.Value);

    [GeneratedRegex(@"\{\{\s*([^{}\s]+)\s*\}\}")]
    private static partial Regex PlaceholderPattern();
}
