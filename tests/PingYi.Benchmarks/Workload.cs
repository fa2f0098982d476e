namespace PingYi.Benchmarks;

/// <summary>The content of one benchmark complaint: the same sizes for the HTTP intake and the raw INSERT ceiling.</summary>
public static class Workload
{
    /// <summary>About 190 characters (≈ 550 UTF-8 bytes): a typical short 直通车 report.</summary>
    public const string Description =
        "本人于上周二到省政务服务中心窗口办理营业执照变更，工作人员要求提交已在系统中上传过的同一份材料的纸质件三份，" +
        "并称这是内部规定，但无法出示任何书面依据。当天往返两次仍未办结，窗口还要求下周再来。希望有关部门核实窗口是否存在" +
        "重复要求提交材料、推诿拖延的情况，并督促整改，减少群众跑腿次数。";

    public const string Location = "省政务服务中心三楼";

    public static string Title(string runTag, long n) => $"压测 {runTag} 第 {n} 件：窗口办事要求重复提交材料";
}
