namespace PingYi.Domain.Tests;

/// <summary>Finds files the tests read from the repository (workflows/, docs/), wherever the test run starts.</summary>
internal static class RepoPaths
{
    private static readonly Lazy<string> RootLazy = new(FindRoot);

    public static string Root => RootLazy.Value;

    public static string Workflows => Path.Combine(Root, "workflows");

    public static string ChinaCalendar => Path.Combine(Root, "workflows", "calendars", "cn");

    public static string Combine(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "PingYi.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"PingYi.sln not found above {AppContext.BaseDirectory}.");
    }
}
