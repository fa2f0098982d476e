using PingYi.Domain.Common;
using PingYi.Domain.Evaluation;

namespace PingYi.Web.Features.Evaluation;

/// <summary>
/// The questionnaire engine: checks a filled questionnaire against the round file (the overall rating on the
/// 满意/基本满意/不满意 scale, each item on its scale or as text, required items present) for evaluators'
/// forms, spreadsheet rows and public responses alike.
/// </summary>
public static class Questionnaires
{
    public const string RatingField = "rating";
    public const string CommentField = "comment";
    public const string AnswersField = "answers";

    public sealed record Filled(string Rating, string? Comment, IReadOnlyList<EvaluationAnswer> Answers);

    public static Filled? Validate(EvaluationRoundDefinition round, Questionnaire questionnaire, string? rating, string? comment,
        IReadOnlyDictionary<string, string?>? answers, ValidationErrors errors)
    {
        var r = rating?.Trim();
        if (string.IsNullOrEmpty(r))
        {
            errors.Add(RatingField, "请选择总体评价（满意、基本满意或不满意）。");
        }
        else if (round.Overall.Find(r) is null)
        {
            errors.Add(RatingField, "总体评价只能是 satisfied（满意）、basically-satisfied（基本满意）或 dissatisfied（不满意）。");
        }
        var c = Text.Clean(comment, multiline: true);
        if (c is { Length: > EvaluationResponse.MaxCommentLength })
        {
            errors.Add(CommentField, $"评价意见不能超过 {EvaluationResponse.MaxCommentLength} 字。");
        }
        var given = answers ?? new Dictionary<string, string?>();
        foreach (var key in given.Keys.Where(k => questionnaire.Items.All(i => i.Code != k)))
        {
            errors.Add($"{AnswersField}.{key}", $"问卷中没有“{key}”这一项。");
        }
        var result = new List<EvaluationAnswer>();
        foreach (var item in questionnaire.Items)
        {
            var field = $"{AnswersField}.{item.Code}";
            var value = given.TryGetValue(item.Code, out var v) ? v?.Trim() : null;
            if (v is not null && Text.CharacterCount(v) > QuestionItem.MaxTextLength)
            {
                // As sent, padding included: no answer longer than any questionnaire takes (the API documents it).
                errors.Add(field, $"“{item.Label}”不能超过 {Math.Min(item.MaxLength, QuestionItem.MaxTextLength)} 字。");
                continue;
            }
            if (string.IsNullOrEmpty(value))
            {
                if (item.Required)
                {
                    errors.Add(field, $"请回答“{item.Label}”。");
                }
                continue;
            }
            if (item.Kind == QuestionKind.Scale)
            {
                var scale = round.Scales[item.Scale!];
                if (scale.Find(value) is null)
                {
                    errors.Add(field, $"“{item.Label}”的答案只能是：{string.Join("、", scale.Options.Select(o => $"{o.Code}（{o.Label}）"))}。");
                    continue;
                }
                result.Add(new EvaluationAnswer(item.Code, value, null));
            }
            else
            {
                var text = Text.Clean(value, multiline: true);
                if (text is { Length: > 0 } && text.Length > item.MaxLength)
                {
                    errors.Add(field, $"“{item.Label}”不能超过 {item.MaxLength} 字。");
                    continue;
                }
                if (text is { Length: > 0 })
                {
                    result.Add(new EvaluationAnswer(item.Code, null, text));
                }
            }
        }
        return errors.IsEmpty ? new Filled(r!, c, result) : null;
    }
}
