using PingYi.Domain.Common;

namespace PingYi.Domain.Workflow;

/// <summary>满意度: the complainant's rating of the outcome.</summary>
public enum Satisfaction
{
    Satisfied = 1,
    BasicallySatisfied = 2,
    Dissatisfied = 3,
}

public static class Satisfactions
{
    public static readonly CodeList<Satisfaction> Codes = new(
        (Satisfaction.Satisfied, "satisfied", "满意"),
        (Satisfaction.BasicallySatisfied, "basically-satisfied", "基本满意"),
        (Satisfaction.Dissatisfied, "dissatisfied", "不满意"));
}
