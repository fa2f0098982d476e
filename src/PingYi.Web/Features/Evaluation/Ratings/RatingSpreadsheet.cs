using System.IO.Compression;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using MiniExcelLibs;
using PingYi.Data;
using PingYi.Domain.Evaluation;
using PingYi.Web.Features.Units;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Evaluation.Ratings;

/// <summary>
/// Paper forms: an evaluator downloads an xlsx template (one row per unit they may rate, one column per
/// questionnaire item, Chinese headers), fills it from the paper forms and uploads it. Every row is checked
/// by the same rules as the API; if any row is bad, nothing is imported and each bad row is reported.
/// </summary>
public static class RatingSpreadsheet
{
    public const string FileField = "file";
    public const long MaxBytes = 5 * 1024 * 1024;
    public const int MaxRows = 2000;

    public const string UnitCodeHeader = "单位代码";
    public const string UnitNameHeader = "单位名称";
    public const string RatingHeader = "总体评价";
    public const string CommentHeader = "评价意见";
    public const string FormReferenceHeader = "评议表编号";

    /// <param name="AwaitingConfirmation">Rows beyond the round's cap per account and unit, waiting for a Supervisor.</param>
    public sealed record ImportResult(int Imported, int AwaitingConfirmation = 0);

    public sealed class Handler(PingYiDbContext db, Rounds rounds, SubmitRating.Handler ratings, TimeProvider time)
    {
        /// <summary>The template for the signed-in evaluator's source: 403 for an account without a rated source.</summary>
        public async Task<Result<byte[]>> TemplateAsync(int year, ClaimsPrincipal user, CancellationToken ct)
        {
            var found = await rounds.FindAsync(year, ct);
            if (!found.Succeeded)
            {
                return found.Failure!;
            }
            var definition = found.Value!.Definition;
            var source = user.IsEvaluator() ? definition.FindSource(user.EvaluationSource() ?? string.Empty) : null;
            if (source is not { Input: SourceInput.Rating })
            {
                return RequestFailure.Field(StatusCodes.Status403Forbidden, "无权下载评议表", "$", "只有绑定了评议来源的评议工作人员可以下载评议表。");
            }
            var units = await db.Units.AsNoTracking().Where(u => u.Active).InListOrder().Select(u => new { u.Code, u.Name }).ToListAsync(ct);
            if (source.Code == EvaluationCodes.Liaison)
            {
                var assigned = definition.LiaisonUnitsOf(user.Email() ?? string.Empty).ToHashSet(StringComparer.Ordinal);
                units = units.Where(u => assigned.Contains(u.Code)).ToList();
            }
            var questionnaire = definition.QuestionnaireFor(source.Code);
            var rows = units.Select(u =>
            {
                var row = new Dictionary<string, object?> { [UnitCodeHeader] = u.Code, [UnitNameHeader] = u.Name, [FormReferenceHeader] = null, [RatingHeader] = null, [CommentHeader] = null };
                foreach (var item in questionnaire.Items)
                {
                    row[Header(item)] = null;
                }
                return row;
            }).ToList();
            using var stream = new MemoryStream();
            await stream.SaveAsAsync(rows, sheetName: "评议表", cancellationToken: ct);
            return stream.ToArray();
        }

        public async Task<Result<ImportResult>> ImportAsync(int year, byte[] content, ClaimsPrincipal user, CancellationToken ct)
        {
            var found = await rounds.OpenAsync(year, ct);
            if (!found.Succeeded)
            {
                return found.Failure!;
            }
            var (round, definition) = found.Value!;
            var sourceCode = user.EvaluationSource();
            var source = user.IsEvaluator() ? definition.FindSource(sourceCode ?? string.Empty) : null;
            if (source is not { Input: SourceInput.Rating })
            {
                return RequestFailure.Field(StatusCodes.Status403Forbidden, "无权导入评议表", "$", "只有绑定了评议来源的评议工作人员可以导入评议表。");
            }
            var read = ReadSheet(content);
            if (!read.Succeeded)
            {
                return read.Failure!;
            }
            var sheet = read.Value!;
            var questionnaire = definition.QuestionnaireFor(source.Code);
            if (MissingColumns(sheet, questionnaire) is { } mismatch)
            {
                return mismatch;
            }
            var import = new Import(round.Id, definition, source.Code, questionnaire, user, user.UserId(), time.GetUtcNow().UtcDateTime);
            for (var i = 0; i < sheet.Count; i++)
            {
                await AddRowAsync(import, sheet[i], rowNumber: i + 2, ct); // row 1 is the header
            }
            return await SaveAsync(import, ct);
        }

        /// <summary>One upload being checked: what it is checked against, and what its rows came to so far.</summary>
        private sealed class Import(
            int roundId, EvaluationRoundDefinition definition, string source, Questionnaire questionnaire, ClaimsPrincipal user, string? evaluator, DateTime now)
        {
            public int RoundId { get; } = roundId;
            public EvaluationRoundDefinition Definition { get; } = definition;
            public string Source { get; } = source;
            public Questionnaire Questionnaire { get; } = questionnaire;
            public ClaimsPrincipal User { get; } = user;
            public string? Evaluator { get; } = evaluator;
            public DateTime Now { get; } = now;
            public List<EvaluationResponse> Accepted { get; } = [];
            public Dictionary<string, string[]> Errors { get; } = new(StringComparer.Ordinal);
            public Dictionary<string, string[]> Duplicates { get; } = new(StringComparer.Ordinal);

            /// <summary>The (unit, form reference) pairs earlier rows of this upload used.</summary>
            public HashSet<(int, string)> Seen { get; } = [];

            /// <summary>Per unit, this evaluator's responses so far, stored and earlier in this upload.</summary>
            public Dictionary<int, int> Entered { get; } = [];
        }

        /// <summary>Reads the upload's rows (at most one past the cap), refusing a file that is not a readable xlsx within the limits.</summary>
        private static Result<List<IDictionary<string, object?>>> ReadSheet(byte[] content)
        {
            if (!IsXlsx(content))
            {
                return RequestFailure.Field(StatusCodes.Status415UnsupportedMediaType, "文件类型不支持", FileField, "请上传由评议表模板填写的 Excel（.xlsx）文件。");
            }
            if (SpreadsheetLimits.Check(content, MaxRows, FileField) is { } tooLarge)
            {
                return tooLarge;
            }
            List<IDictionary<string, object?>> sheet;
            try
            {
                // Rows are read as they come and no further than one past the cap.
                sheet = new MemoryStream(content).Query(useHeaderRow: true)
                    .Select(r => (IDictionary<string, object?>)r).Take(MaxRows + 1).ToList();
            }
            catch (Exception e) when (e is InvalidDataException or InvalidOperationException or System.Xml.XmlException or IndexOutOfRangeException or NotSupportedException)
            {
                return RequestFailure.Field(StatusCodes.Status400BadRequest, "无法读取文件", FileField, "Excel 文件已损坏或格式不对，请使用评议表模板。");
            }
            if (sheet.Count > MaxRows)
            {
                return RequestFailure.Field(400, "行数过多", FileField, $"一次最多导入 {MaxRows} 行。");
            }
            return sheet;
        }

        /// <summary>A 400 naming the template columns a non-empty sheet lacks; null when it has them all.</summary>
        private static RequestFailure? MissingColumns(List<IDictionary<string, object?>> sheet, Questionnaire questionnaire)
        {
            var header = sheet.FirstOrDefault()?.Keys.ToHashSet(StringComparer.Ordinal) ?? [];
            var missing = new[] { UnitCodeHeader, FormReferenceHeader, RatingHeader }.Concat(questionnaire.Items.Select(Header)).Where(h => !header.Contains(h)).ToList();
            return sheet.Count > 0 && missing.Count > 0
                ? RequestFailure.Field(400, "表头不符", FileField, $"缺少列：{string.Join("、", missing)}。请使用本年度本来源的评议表模板。")
                : null;
        }

        /// <summary>Checks one row as the API would and adds it to the import, or records why it is refused.</summary>
        private async Task AddRowAsync(Import import, IDictionary<string, object?> row, int rowNumber, CancellationToken ct)
        {
            if (row.Where(c => c.Key != UnitCodeHeader && c.Key != UnitNameHeader).All(c => string.IsNullOrWhiteSpace(Cell(c.Value))))
            {
                return; // a unit left blank on the paper form is simply not rated
            }
            var (definition, questionnaire) = (import.Definition, import.Questionnaire);
            var answers = questionnaire.Items.ToDictionary(item => item.Code, item => ToCode(definition, item, Cell(Get(row, Header(item)))));
            var request = new SubmitRating.Request(import.Source, Cell(Get(row, UnitCodeHeader)),
                ToOverall(definition, Cell(Get(row, RatingHeader))), Cell(Get(row, CommentHeader)), answers, Cell(Get(row, FormReferenceHeader)));
            var check = await ratings.CheckAsync(definition, request, import.User, ct);
            if (!check.Succeeded)
            {
                import.Errors[$"rows[{rowNumber}]"] = check.Failure!.Errors.SelectMany(e => e.Value.Select(m => $"第 {rowNumber} 行（{ColumnOf(e.Key, questionnaire)}）：{m}")).ToArray();
                return;
            }
            var (unit, filled) = check.Value;
            var reference = request.FormReference!.Trim();
            var (roundId, source, evaluator) = (import.RoundId, import.Source, import.Evaluator);
            if (!import.Seen.Add((unit.Id, reference)) || await db.EvaluationResponses.AnyAsync(
                    r => r.RoundId == roundId && r.Source == source && r.UnitId == unit.Id && r.FormReference == reference, ct))
            {
                import.Duplicates[$"rows[{rowNumber}]"] = [$"第 {rowNumber} 行（{FormReferenceHeader}）：评议表编号“{reference}”已录入过对“{unit.Name}”的评议，同一张评议表不能重复录入。"];
                return;
            }
            if (!import.Entered.TryGetValue(unit.Id, out var count))
            {
                count = await db.EvaluationResponses.CountAsync(r => r.RoundId == roundId && r.EvaluatorId == evaluator && r.UnitId == unit.Id && r.Source == source, ct);
            }
            import.Entered[unit.Id] = count + 1;
            import.Accepted.Add(new EvaluationResponse(roundId, unit.Id, source, filled.Rating, filled.Comment, ResponseChannel.Spreadsheet,
                evaluator, null, null, import.Now, filled.Answers, reference, awaitingConfirmation: count >= definition.RatingsPerAccountAndUnit));
        }

        /// <summary>Saves every accepted row, or none if any row was refused (bad rows before duplicates) or none was filled.</summary>
        private async Task<Result<ImportResult>> SaveAsync(Import import, CancellationToken ct)
        {
            if (import.Errors.Count > 0)
            {
                return new RequestFailure(StatusCodes.Status400BadRequest, $"有 {import.Errors.Count} 行有误，全部未导入", import.Errors);
            }
            if (import.Duplicates.Count > 0)
            {
                return new RequestFailure(StatusCodes.Status409Conflict, $"有 {import.Duplicates.Count} 行的评议表已录入，全部未导入", import.Duplicates);
            }
            if (import.Accepted.Count == 0)
            {
                return RequestFailure.Field(400, "没有可导入的评议", FileField, "表中没有填写任何评议。");
            }
            db.EvaluationResponses.AddRange(import.Accepted);
            await db.SaveChangesAsync(ct);
            return new ImportResult(import.Accepted.Count, import.Accepted.Count(r => r.AwaitingConfirmation));
        }
    }

    public static string Header(QuestionItem item) => item.Label;

    private static string ColumnOf(string field, Questionnaire questionnaire) => field switch
    {
        "unitCode" => UnitCodeHeader,
        "rating" => RatingHeader,
        "comment" => CommentHeader,
        "formReference" => FormReferenceHeader,
        "source" => "评议来源",
        _ when field.StartsWith("answers.", StringComparison.Ordinal) =>
            questionnaire.Items.FirstOrDefault(i => i.Code == field["answers.".Length..])?.Label ?? field,
        _ => field,
    };

    private static object? Get(IDictionary<string, object?> row, string column) => row.TryGetValue(column, out var value) ? value : null;

    private static string? Cell(object? value) => value switch
    {
        null => null,
        double d => d.ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString()?.Trim(),
    };

    /// <summary>Paper forms are filled in Chinese: accept an option's label (满意) as well as its code.</summary>
    private static string? ToOverall(EvaluationRoundDefinition round, string? value) =>
        round.Overall.Options.FirstOrDefault(o => o.Label == value)?.Code ?? value;

    private static string? ToCode(EvaluationRoundDefinition round, QuestionItem item, string? value) =>
        item.Kind == QuestionKind.Scale ? round.Scales[item.Scale!].Options.FirstOrDefault(o => o.Label == value)?.Code ?? value : value;

    private static bool IsXlsx(byte[] content)
    {
        if (content.Length < 4 || content[0] != 0x50 || content[1] != 0x4B)
        {
            return false;
        }
        try
        {
            using var zip = new ZipArchive(new MemoryStream(content, writable: false), ZipArchiveMode.Read);
            return zip.GetEntry("xl/workbook.xml") is not null;
        }
        catch (InvalidDataException)
        {
            return false;
        }
    }

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/evaluations/{year:int}/ratings/template", async (int year, HttpContext http, Handler handler, CancellationToken ct) =>
            {
                var result = await handler.TemplateAsync(year, http.User, ct);
                return result.Succeeded
                    ? Results.File(result.Value!, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", $"评议表-{year}-{http.User.EvaluationSource()}.xlsx")
                    : result.Failure!.ToProblem();
            })
            .RequireAuthorization()
            .WithName("RatingTemplate")
            .Produces(StatusCodes.Status200OK, contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            .WithSummary("下载评议表模板（xlsx，本账号的评议来源）");

        api.MapPost("/evaluations/{year:int}/ratings/import", async (int year, HttpContext http, Handler handler, CancellationToken ct) =>
            {
                var form = await ApiBody.ReadFormAsync(http, MaxBytes + (64 * 1024), ct);
                if (!form.Succeeded)
                {
                    return form.Failure!.ToProblem();
                }
                var file = form.Value!.Files.GetFile(FileField);
                if (file is null || file.Length == 0)
                {
                    return RequestFailure.Field(400, "请选择文件", FileField, "请上传填好的评议表（.xlsx）。").ToProblem();
                }
                using var buffer = new MemoryStream();
                await file.CopyToAsync(buffer, ct);
                return (await handler.ImportAsync(year, buffer.ToArray(), http.User, ct)).ToOk();
            })
            .StaffUpload<ImportResult>("ImportRatings", "导入填好的评议表（multipart，字段 file）：任一行有误则全部不导入");
    }
}
