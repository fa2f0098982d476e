using System.Text.Json;
using PingYi.Domain.Complaints;

namespace PingYi.Domain.Workflow;

public static partial class WorkflowDefinitionLoader
{
    /// <summary>The deadlines block: working-day periods, reminders, escalation offsets, the supervision reply.</summary>
    private sealed partial class DefinitionReader
    {
        /// <summary>The reply deadline a supervision notice gets when the file does not name one.</summary>
        private const int DefaultSupervisionReplyWorkingDays = 3;

        private WorkflowDeadlines ReadDeadlines(JsonElement root)
        {
            var path = Child("$", "deadlines");
            if (!root.TryGetProperty("deadlines", out var d))
            {
                Fail(path, "missing");
            }
            ExpectObject(d, path, "acceptWorkingDays", "handleWorkingDays", "reworkWorkingDays", "maxExtensionWorkingDays",
                "feedbackWindowDays", "reopenWindowDays", "reminders", "escalation", "supervisionReplyWorkingDays", "signWorkingDays", "maxSuspensionWorkingDays");

            var accept = PositiveInt(d, path, "acceptWorkingDays", "working days");
            var (handleDefault, byCategory) = ReadHandleWorkingDays(d, path);
            var rework = PositiveInt(d, path, "reworkWorkingDays", "working days");
            var maxExtension = PositiveInt(d, path, "maxExtensionWorkingDays", "working days");
            var feedbackWindow = PositiveInt(d, path, "feedbackWindowDays", "days");
            var reopenWindow = PositiveInt(d, path, "reopenWindowDays", "days");
            var remindBefore = ReadReminders(d, path);
            var offsets = ReadEscalationOffsets(d, path);
            var supervisionReply = ReadSupervisionReply(d, path, maxExtension);
            int? sign = d.TryGetProperty("signWorkingDays", out _) ? PositiveInt(d, path, "signWorkingDays", "working days") : null;
            int? maxSuspension = d.TryGetProperty("maxSuspensionWorkingDays", out _) ? PositiveInt(d, path, "maxSuspensionWorkingDays", "working days") : null;

            return new WorkflowDeadlines(accept, handleDefault, byCategory, rework, maxExtension, feedbackWindow, reopenWindow, remindBefore, offsets)
            {
                SupervisionReplyWorkingDays = supervisionReply,
                SignWorkingDays = sign,
                MaxSuspensionWorkingDays = maxSuspension,
            };
        }

        /// <summary><c>handleWorkingDays</c>: a required <c>default</c> and optional per-problem-category entries.</summary>
        private (int Default, Dictionary<ProblemCategory, int> ByCategory) ReadHandleWorkingDays(JsonElement d, string path)
        {
            var handlePath = Child(path, "handleWorkingDays");
            if (!d.TryGetProperty("handleWorkingDays", out var handle))
            {
                Fail(handlePath, "missing");
            }
            if (handle.ValueKind != JsonValueKind.Object)
            {
                Fail(handlePath, "expected an object: { \"default\": n, \"<problem category>\": n }");
            }
            int? handleDefault = null;
            var byCategory = new Dictionary<ProblemCategory, int>();
            foreach (var p in handle.EnumerateObject())
            {
                var pPath = Child(handlePath, p.Name);
                var days = ExpectInt(p.Value, pPath);
                if (days < 1)
                {
                    Fail(pPath, $"working days must be 1 or more, found {days}");
                }
                if (p.Name == "default")
                {
                    handleDefault = days;
                    continue;
                }
                var category = ProblemCategories.Codes.All.Where(e => e.Code == p.Name).Select(e => (ProblemCategory?)e.Value).FirstOrDefault();
                if (category is null)
                {
                    Fail(pPath, $"unknown problem category '{p.Name}'; categories are default, {string.Join(", ", ProblemCategories.Codes.All.Select(e => e.Code))}");
                }
                if (!byCategory.TryAdd(category!.Value, days))
                {
                    Fail(pPath, $"'{p.Name}' appears twice");
                }
            }
            if (handleDefault is null)
            {
                Fail(Child(handlePath, "default"), "missing: the deadline for categories without their own entry");
            }
            return (handleDefault!.Value, byCategory);
        }

        private int ReadReminders(JsonElement d, string path)
        {
            var remindersPath = Child(path, "reminders");
            if (!d.TryGetProperty("reminders", out var reminders))
            {
                Fail(remindersPath, "missing");
            }
            ExpectObject(reminders, remindersPath, "beforeDeadlineWorkingDays");
            return PositiveInt(reminders, remindersPath, "beforeDeadlineWorkingDays", "working days");
        }

        /// <summary>Three increasing, non-negative offsets after the deadline, one per escalation level.</summary>
        private List<int> ReadEscalationOffsets(JsonElement d, string path)
        {
            var escalationPath = Child(path, "escalation");
            if (!d.TryGetProperty("escalation", out var escalation))
            {
                Fail(escalationPath, "missing");
            }
            ExpectObject(escalation, escalationPath, "afterDeadlineWorkingDays");
            var offsetsPath = Child(escalationPath, "afterDeadlineWorkingDays");
            var offsetsArray = RequiredArray(escalation, escalationPath, "afterDeadlineWorkingDays");
            if (offsetsArray.GetArrayLength() != 3)
            {
                Fail(offsetsPath, $"expected three offsets, for escalation levels 1, 2 and 3; found {offsetsArray.GetArrayLength()}");
            }
            var offsets = new List<int>();
            var n = 0;
            foreach (var o in offsetsArray.EnumerateArray())
            {
                var oPath = $"{offsetsPath}[{n}]";
                var value = ExpectInt(o, oPath);
                if (value < 0)
                {
                    Fail(oPath, $"an offset after the deadline cannot be negative, found {value}");
                }
                if (offsets.Count > 0 && value <= offsets[^1])
                {
                    Fail(oPath, $"offsets must increase with the level; {value} does not exceed {offsets[^1]}");
                }
                offsets.Add(value);
                n++;
            }
            return offsets;
        }

        private int ReadSupervisionReply(JsonElement d, string path, int maxExtension)
        {
            var supervisionReply = d.TryGetProperty("supervisionReplyWorkingDays", out _)
                ? PositiveInt(d, path, "supervisionReplyWorkingDays", "working days")
                : DefaultSupervisionReplyWorkingDays;
            if (supervisionReply > maxExtension)
            {
                Fail(Child(path, "supervisionReplyWorkingDays"), $"the default reply deadline ({supervisionReply}) exceeds maxExtensionWorkingDays ({maxExtension}), the most a workingDays field accepts");
            }
            return supervisionReply;
        }
    }
}
