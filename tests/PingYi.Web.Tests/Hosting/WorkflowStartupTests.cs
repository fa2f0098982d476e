using System.Text.Json.Nodes;

using PingYi.Web.Tests.Infrastructure;

namespace PingYi.Web.Tests.Hosting;

/// <summary>
/// A broken workflow folder stops the real app before it touches the database, with one line naming the
/// file, the JSON path and the fault, exit code 1 and no stack trace. The app runs as a process from the
/// test output with Workflows__Path pointing at a broken copy of workflows/.
/// </summary>
public sealed class WorkflowStartupTests
{
    public static TheoryData<string, string, string> Faults => new()
    {
        // case, file (relative to the workflows folder), JSON path + fault expected in the line
        { "transition-to-unknown-state", "complaint-handling.v1.json", "$.transitions[RESPOND].to: unknown state 'reviewing'" },
        { "unknown-role", "complaint-handling.v1.json", "$.actions[0].roles[0]" },
        { "malformed-json", "complaint-handling.v1.json", "$: malformed JSON at line" },
        { "bad-calendar", "calendars/cn/2026.json", "$.days[0].isOffDay" },
        { "bad-evaluation-round", "evaluation/2020.json", "$.sources: the weights must add up to 1" },
        { "action-without-effect", "complaint-handling.v2.json", "$.actions[ARCHIVE].code: the engine has no effect for action 'archive'" },
    };

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task A_broken_workflow_folder_stops_start_up_with_one_line_naming_file_path_and_fault(string fault, string file, string expected)
    {
        var workflows = CopyWorkflows();
        var target = Path.Combine(workflows, file);
        switch (fault)
        {
            case "transition-to-unknown-state":
            {
                var json = JsonNode.Parse(File.ReadAllText(target))!;
                var transitions = json["transitions"]!.AsArray();
                var respond = transitions.Select((t, i) => (t, i)).First(x => x.t!["action"]!.GetValue<string>() == "respond").i;
                transitions[respond]!["to"] = "reviewing";
                File.WriteAllText(target, json.ToJsonString());
                expected = expected.Replace("RESPOND", respond.ToString(System.Globalization.CultureInfo.InvariantCulture));
                break;
            }
            case "unknown-role":
            {
                var json = JsonNode.Parse(File.ReadAllText(target))!;
                json["actions"]![0]!["roles"]![0] = "mayor";
                File.WriteAllText(target, json.ToJsonString());
                break;
            }
            case "malformed-json":
                File.WriteAllText(target, File.ReadAllText(target).Replace("\"initial\": \"submitted\",", "\"initial\": \"submitted\""));
                break;
            case "bad-evaluation-round":
            {
                var json = JsonNode.Parse(File.ReadAllText(target))!;
                json["sources"]![0]!["weight"] = 0.9;
                File.WriteAllText(target, json.ToJsonString());
                break;
            }
            case "action-without-effect":
            {
                // Today's failure mode before the check: a v2 file with an action the aggregate cannot apply
                // passed start-up and answered 500 when used.
                var json = JsonNode.Parse(File.ReadAllText(target))!;
                var actions = json["actions"]!.AsArray();
                actions.Add(new JsonObject { ["code"] = "archive", ["label"] = "归档", ["roles"] = new JsonArray("supervisor") });
                json["transitions"]!.AsArray().Add(new JsonObject { ["action"] = "archive", ["from"] = new JsonArray("closed"), ["to"] = "closed" });
                File.WriteAllText(target, json.ToJsonString());
                expected = expected.Replace("ARCHIVE", (actions.Count - 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
                break;
            }
            case "bad-calendar":
            {
                var json = JsonNode.Parse(File.ReadAllText(target))!;
                json["days"]![0]!["isOffDay"] = "yes";
                File.WriteAllText(target, json.ToJsonString());
                break;
            }
        }
        var database = Path.Combine(workflows, "..", "pingyi.db");

        var (exitCode, output) = await AppProcess.RunUntilExitAsync(new Dictionary<string, string>
        {
            ["Workflows__Path"] = workflows,
            ["Database__Provider"] = "Sqlite",
            ["ConnectionStrings__PingYi"] = $"Data Source={database}",
        });

        Assert.True(exitCode == 1, $"exit code {exitCode}:\n{output}");
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var fullPath = Path.GetFullPath(target);
        var line = lines.SingleOrDefault(l => l.Contains(fullPath, StringComparison.Ordinal));
        Assert.True(line is not null, $"no single line names {fullPath}:\n{output}");
        Assert.Contains($"{fullPath}: {expected}", line);
        Assert.DoesNotContain(lines, l => l.StartsWith("at ", StringComparison.Ordinal));
        Assert.DoesNotContain("Exception", output);
        Assert.DoesNotContain("Now listening", output);
        Assert.False(File.Exists(database), "the database was touched before the workflows were validated");
    }

    private static string CopyWorkflows()
    {
        var source = Path.Combine(AppContext.BaseDirectory, "workflows");
        var root = Directory.CreateTempSubdirectory("pingyi-workflows-").FullName;
        var target = Path.Combine(root, "workflows");
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var copy = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy);
        }
        return target;
    }
}
