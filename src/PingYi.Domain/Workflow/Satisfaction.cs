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

/// <summary>问题是否解决: the complainant's answer beside the satisfaction, counted in the channel's 解决率.</summary>
public enum Resolution
{
    Resolved = 1,
    Partly = 2,
    Unresolved = 3,
}

public static class Resolutions
{
    public static readonly CodeList<Resolution> Codes = new(
        (Resolution.Resolved, "resolved", "已解决"),
        (Resolution.Partly, "partly", "部分解决"),
        (Resolution.Unresolved, "unresolved", "未解决"));
}
