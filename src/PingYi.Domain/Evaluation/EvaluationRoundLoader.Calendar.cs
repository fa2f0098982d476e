using System.Text.Json;

namespace PingYi.Domain.Evaluation;

public static partial class EvaluationRoundLoader
{
    /// <summary>Milestones and reminder offsets.</summary>
    private sealed partial class RoundReader
    {
        private List<Milestone> ReadMilestones(JsonElement root, int year)
        {
            var path = Child("$", "milestones");
            var array = RequiredArray(root, "$", "milestones");
            var list = new List<Milestone>();
            var i = 0;
            foreach (var item in array.EnumerateArray())
            {
                var itemPath = $"{path}[{i++}]";
                ExpectObject(item, itemPath, "code", "label", "due", "description");
                OptionalString(item, itemPath, "description");
                var code = RequiredString(item, itemPath, "code");
                if (!EvaluationCodes.Milestones.Contains(code))
                {
                    Fail(Child(itemPath, "code"), $"unknown milestone '{code}'; milestones are {string.Join(", ", EvaluationCodes.Milestones)}");
                }
                if (list.Any(m => m.Code == code))
                {
                    Fail(Child(itemPath, "code"), $"duplicate milestone '{code}'");
                }
                var label = RequiredNonEmptyString(item, itemPath, "label");
                var due = RequiredDate(item, itemPath, "due");
                if (due.Year != year)
                {
                    Fail(Child(itemPath, "due"), $"a due date in {year}, found {due:yyyy-MM-dd}");
                }
                list.Add(new Milestone(code, label, due));
            }
            foreach (var required in EvaluationCodes.Milestones.Where(c => list.All(m => m.Code != c)))
            {
                Fail(path, $"milestone '{required}' is missing");
            }
            return list;
        }

        private ReminderOffsets ReadReminders(JsonElement root)
        {
            var path = Child("$", "reminders");
            var obj = RequiredObject(root, "$", "reminders");
            ExpectObject(obj, path, "daysBefore", "daysAfter");
            return new ReminderOffsets(ReadDays(obj, path, "daysBefore"), ReadDays(obj, path, "daysAfter"));
        }

        private List<int> ReadDays(JsonElement obj, string path, string name)
        {
            var arrayPath = Child(path, name);
            var days = new List<int>();
            var i = 0;
            foreach (var item in RequiredArray(obj, path, name).EnumerateArray())
            {
                var itemPath = $"{arrayPath}[{i++}]";
                var n = ExpectInt(item, itemPath);
                if (n is < 1 or > 60)
                {
                    Fail(itemPath, $"days must be 1–60, found {n}");
                }
                if (days.Contains(n))
                {
                    Fail(itemPath, $"duplicate offset {n}");
                }
                days.Add(n);
            }
            return days;
        }
    }
}
