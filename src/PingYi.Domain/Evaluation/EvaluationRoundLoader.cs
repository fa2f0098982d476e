using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using PingYi.Domain.Common;

namespace PingYi.Domain.Evaluation;

/// <summary>
/// Reads and validates the round files in <c>workflows/evaluation/</c>, named <c>&lt;year&gt;.json</c>, with the
/// same machinery (and the same <c>file: $.path: fault</c> messages) as the workflow definitions: the app
/// refuses to start on a bad round file.
/// </summary>
public static partial class EvaluationRoundLoader
{
    public const string FileNamePattern = "<year>.json";

    /// <summary>Tolerance for "weights add up to 1": the files write decimals such as 0.15.</summary>
    private const double WeightTolerance = 1e-6;

    /// <summary>Every <c>*.json</c> in the folder except <c>*.schema.json</c>; a missing folder means no rounds are defined.</summary>
    public static IReadOnlyList<EvaluationRoundDefinition> LoadDirectory(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return [];
        }
        var rounds = Directory.EnumerateFiles(directory, "*.json", SearchOption.TopDirectoryOnly)
            .Where(f => !f.EndsWith(".schema.json", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
            .Select(LoadFile)
            .ToList();
        return rounds;
    }

    public static EvaluationRoundDefinition LoadFile(string path)
    {
        var name = Path.GetFileName(path);
        var match = RoundFileName().Match(name);
        if (!match.Success)
        {
            throw Fault(path, "$", $"an evaluation round file must be named {FileNamePattern}, e.g. 2020.json");
        }
        var round = Parse(DefinitionFileReader.ReadText(path, Fault), path);
        if (round.Year.ToString(CultureInfo.InvariantCulture) != match.Groups["year"].Value)
        {
            throw Fault(path, "$.year", $"the year {round.Year} does not match the file name {name}");
        }
        return round;
    }

    public static EvaluationRoundDefinition Parse(string json, string source) => Parse(json, source, stored: false);

    /// <summary>
    /// A scheme version stored when an earlier release validated it: read as it was validated then. A rule the loader
    /// added since is not asked of it (<c>deductions.findingPunishedBy</c>: without it, a finding is punished as it
    /// was then, by both), so an approved version — and the figures and fingerprint approved with it — stays as it was.
    /// New uploads, copies and approvals use <see cref="Parse(string, string)"/>.
    /// </summary>
    public static EvaluationRoundDefinition ParseStored(string json, string source) => Parse(json, source, stored: true);

    private static EvaluationRoundDefinition Parse(string json, string source, bool stored)
    {
        using var document = DefinitionFileReader.ParseDocument(json, source, Fault);
        return new RoundReader(source, stored).Read(document.RootElement);
    }

    private static Exception Fault(string file, string path, string fault) => new EvaluationRoundException(file, path, fault);

    [GeneratedRegex(@"^(?<year>20[0-9]{2})\.json$")]
    private static partial Regex RoundFileName();

    private sealed partial class RoundReader(string source, bool stored) : DefinitionFileReader(source, Fault)
    {
        public EvaluationRoundDefinition Read(JsonElement root)
        {
            const string Root = "$";
            ExpectObject(root, Root, "$schema", "year", "title", "description", "period", "milestones", "reminders", "ratingScales",
                "sources", "questionnaires", "liaison", "inspection", "deductions", "channel", "publicSurvey", "ratingForms", "preview", "trackingList");
            OptionalString(root, Root, "$schema");
            OptionalString(root, Root, "description");
            var year = RequiredInt(root, Root, "year");
            if (year is < 2000 or > 2099)
            {
                Fail(Child(Root, "year"), $"a year between 2000 and 2099, found {year}");
            }
            var title = RequiredNonEmptyString(root, Root, "title");

            var periodPath = Child(Root, "period");
            var period = RequiredObject(root, Root, "period");
            ExpectObject(period, periodPath, "start", "end");
            var start = RequiredDate(period, periodPath, "start");
            var end = RequiredDate(period, periodPath, "end");
            if (start.Year != year)
            {
                Fail(Child(periodPath, "start"), $"the period must start in {year}, found {start:yyyy-MM-dd}");
            }
            if (end <= start)
            {
                Fail(Child(periodPath, "end"), $"the period must end after it starts ({start:yyyy-MM-dd})");
            }

            var milestones = ReadMilestones(root, year);
            var reminders = ReadReminders(root);
            var scales = ReadScales(root);
            var sources = ReadSources(root);
            var questionnaires = ReadQuestionnaires(root, scales, sources);
            var liaison = ReadLiaison(root);
            var severities = ReadSeverities(root);
            var deductions = ReadDeductions(root, severities);
            var channel = ReadChannel(root);
            var survey = ReadSurvey(root);
            return new EvaluationRoundDefinition(year, title, start, end, milestones, reminders, scales, sources, questionnaires,
                liaison, severities, deductions, channel, survey, Source)
            {
                RatingsPerAccountAndUnit = ReadRatingForms(root), PreviewWorkingDays = ReadPreview(root), TrackingList = ReadTrackingList(root, start, end),
            };
        }
    }
}
