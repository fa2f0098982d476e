using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using MiniExcelLibs;
using PingYi.Data;
using PingYi.Domain.Common;
using PingYi.Domain.Scoring;
using PingYi.Domain.Units;
using PingYi.Web.Features.Administration;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Scoring;

/// <summary>
/// 往年评议结果: a previous round's final ranks and tracking-list flags, imported from the committee's own table
/// (xlsx, or CSV in UTF-8) so that "bottom two two years running" works from the first year. Every row is checked;
/// if any is bad nothing is imported and each bad row is reported. A year's import replaces that year's rows;
/// a year the system has approved itself is not imported over.
/// </summary>
public static class ImportPriorRanks
{
    public const long MaxBytes = 2 * 1024 * 1024;
    public const int MaxRows = 2000;

    public static readonly string[] Columns = ["单位代码", "类别", "排名", "重点跟踪对象"];

    public sealed record Row(string UnitCode, UnitCategory Category, int Rank, bool TrackingList);

    public sealed record Response(int Year, int Imported, int TrackingList);

    /// <summary>A previous round on record: its year, how many units it ranks and how many were on the tracking list.</summary>
    public sealed record Imported(int Year, int Rows, int TrackingList);

    public sealed class Handler(PingYiDbContext db, IAuthorizationService authorization, AuditLog audit, TimeProvider time)
    {
        /// <summary>The imported years, latest first.</summary>
        public async Task<IReadOnlyList<Imported>> ListAsync(CancellationToken ct) =>
            (await db.PriorRanks.AsNoTracking().GroupBy(p => p.Year)
                .Select(g => new { g.Key, Rows = g.Count(), Tracking = g.Count(p => p.TrackingList) }).ToListAsync(ct))
            .OrderByDescending(g => g.Key).Select(g => new Imported(g.Key, g.Rows, g.Tracking)).ToList();

        public async Task<Result<Response>> HandleAsync(int year, byte[]? content, ClaimsPrincipal user, CancellationToken ct)
        {
            if (!(await authorization.AuthorizeAsync(user, new PriorRanksTarget(year), PriorRanksRequirement.Import)).Succeeded)
            {
                return RequestFailure.Field(StatusCodes.Status403Forbidden, "无权操作", "file", "只有纪检监察工委和系统管理员可以导入往年评议结果。");
            }
            if (year is < 2000 or > 2100)
            {
                return RequestFailure.Field(StatusCodes.Status400BadRequest, "提交的内容有误", "year", "年度应为 2000–2100 之间的四位数字。");
            }
            if (content is null || content.Length == 0)
            {
                return RequestFailure.Field(StatusCodes.Status400BadRequest, "提交的内容有误", "file", "请选择往年评议结果表（.xlsx 或 .csv）。");
            }
            if (content.Length > MaxBytes)
            {
                return RequestFailure.Field(StatusCodes.Status400BadRequest, "提交的内容有误", "file", $"文件不能超过 {MaxBytes / 1024 / 1024} MB。");
            }
            if (await db.ResultSnapshots.AnyAsync(s => s.Year == year, ct))
            {
                return RequestFailure.Field(StatusCodes.Status409Conflict, "该年度已在本系统审定", "year", $"{year} 年度评议结果已在本系统审定，以审定结果为准，不能再导入。");
            }
            var units = (await db.Units.AsNoTracking().Select(u => u.Code).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);
            var read = Read(content, units);
            if (!read.Succeeded)
            {
                return read.Failure!;
            }
            var rows = read.Value!;
            var now = time.GetUtcNow().UtcDateTime;
            var userId = user.UserId()!;
            await db.PriorRanks.Where(p => p.Year == year).ExecuteDeleteAsync(ct);
            db.PriorRanks.AddRange(rows.Select(r => new PriorRank(year, r.UnitCode, r.Category, r.Rank, r.TrackingList, userId, now)));
            audit.Record(user, AuditKinds.PriorRanks, year.ToString(CultureInfo.InvariantCulture), null,
                new { rows = rows.Count, trackingList = rows.Where(r => r.TrackingList).Select(r => r.UnitCode) });
            await db.SaveChangesAsync(ct);
            return new Response(year, rows.Count, rows.Count(r => r.TrackingList));
        }
    }

    /// <summary>Reads and checks every row; errors are keyed <c>rows[N].field</c>, N being the sheet's row number.</summary>
    public static Result<IReadOnlyList<Row>> Read(byte[] content, IReadOnlySet<string> knownUnits)
    {
        // Recognised by content, not by name: an xlsx is a zip ("PK"); anything else is read as CSV.
        var type = content.Length > 1 && content[0] == 'P' && content[1] == 'K' ? ExcelType.XLSX : ExcelType.CSV;
        if (type == ExcelType.XLSX && SpreadsheetLimits.Check(content, MaxRows) is { } tooLarge)
        {
            return tooLarge;
        }
        List<IDictionary<string, object?>> raw;
        try
        {
            using var stream = new MemoryStream(content);
            raw = stream.Query(useHeaderRow: true, excelType: type).Cast<IDictionary<string, object?>>().Take(MaxRows + 1).ToList();
        }
        catch (Exception e) when (e is InvalidDataException or IOException or FormatException or InvalidOperationException or NotSupportedException or ArgumentException or System.Xml.XmlException)
        {
            return RequestFailure.Field(StatusCodes.Status400BadRequest, "文件无法读取", "file", "文件不是有效的 xlsx 或 CSV 表格，请用下载的模板填写。");
        }
        if (raw.Count > MaxRows)
        {
            return RequestFailure.Field(StatusCodes.Status400BadRequest, "行数过多", "file", $"一次最多导入 {MaxRows} 行。");
        }
        var headers = raw.FirstOrDefault()?.Keys.Select(k => k.Trim()).ToHashSet() ?? [];
        var missing = Columns.Where(c => !headers.Contains(c)).ToList();
        if (raw.Count > 0 && missing.Count > 0)
        {
            return RequestFailure.Field(StatusCodes.Status400BadRequest, "表头不对", "file", $"第 1 行缺少列：{string.Join("、", missing)}。请用下载的模板填写。");
        }
        var errors = new ValidationErrors();
        var rows = new List<Row>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < raw.Count; i++)
        {
            var cells = raw[i].ToDictionary(kv => kv.Key.Trim(), kv => Cell(kv.Value));
            if (cells.Values.All(string.IsNullOrEmpty))
            {
                continue;
            }
            var number = i + 2;
            if (ReadRow(cells, number, knownUnits, seen, errors) is { } row)
            {
                seen[row.UnitCode] = number;
                rows.Add(row);
            }
        }
        if (!errors.IsEmpty)
        {
            return new RequestFailure(StatusCodes.Status400BadRequest, "表格中有错误，未导入任何行", errors.ToDictionary());
        }
        if (rows.Count == 0)
        {
            return RequestFailure.Field(StatusCodes.Status400BadRequest, "表格为空", "file", "表格中没有数据行。");
        }
        return rows;
    }

    /// <summary>Checks one row of the sheet (numbered as the sheet numbers it), adding an error for each bad cell; null if any was bad.</summary>
    private static Row? ReadRow(Dictionary<string, string?> cells, int number, IReadOnlySet<string> knownUnits, Dictionary<string, int> seen, ValidationErrors errors)
    {
        var prefix = $"rows[{number}].";
        var label = $"第 {number} 行：";
        var ok = true;
        var code = cells.GetValueOrDefault("单位代码")?.ToLowerInvariant();
        if (string.IsNullOrEmpty(code) || !knownUnits.Contains(code))
        {
            errors.Add(prefix + "unitCode", label + (string.IsNullOrEmpty(code) ? "请填写单位代码。" : $"没有代码为“{code}”的参评单位。"));
            ok = false;
        }
        else if (seen.TryGetValue(code, out var first))
        {
            errors.Add(prefix + "unitCode", label + $"单位代码“{code}”与第 {first} 行重复。");
            ok = false;
        }
        var categoryText = cells.GetValueOrDefault("类别");
        var category = UnitCategories.Codes.All.FirstOrDefault(c => c.Label == categoryText).Value;
        if (category == default && !UnitCategories.Codes.TryParse(categoryText, out category))
        {
            errors.Add(prefix + "category", label + $"“类别”应为：{string.Join("、", UnitCategories.Codes.All.Select(c => c.Label))}（或其代码）。");
            ok = false;
        }
        if (!int.TryParse(cells.GetValueOrDefault("排名"), NumberStyles.None, CultureInfo.InvariantCulture, out var rank) || rank is < 1 or > 1000)
        {
            errors.Add(prefix + "rank", label + "“排名”应为 1–1000 的整数。");
            ok = false;
        }
        var tracking = cells.GetValueOrDefault("重点跟踪对象")?.ToLowerInvariant() switch
        {
            "是" or "true" or "1" or "yes" => true,
            "否" or "false" or "0" or "no" or "" or null => (bool?)false,
            _ => null,
        };
        if (tracking is null)
        {
            errors.Add(prefix + "trackingList", label + "“重点跟踪对象”应填“是”或“否”。");
            ok = false;
        }
        return ok ? new Row(code!, category, rank, tracking!.Value) : null;
    }

    /// <summary>The template: the four columns and a sheet that explains them.</summary>
    public static byte[] Template()
    {
        var notes = new List<Dictionary<string, object>>
        {
            new() { ["列"] = "单位代码", ["说明"] = "本系统中的参评单位代码，如 jyt" },
            new() { ["列"] = "类别", ["说明"] = string.Join("；", UnitCategories.Codes.All.Select(c => $"{c.Label}（{c.Code}）")) },
            new() { ["列"] = "排名", ["说明"] = "该单位在本类别中的最终名次（1 为第一）" },
            new() { ["列"] = "重点跟踪对象", ["说明"] = "是 / 否：是否因本类别后两位列入下一年度重点跟踪对象" },
        };
        var sheet = new List<Dictionary<string, object>> { Columns.ToDictionary(c => c, c => (object)string.Empty) };
        using var stream = new MemoryStream();
        stream.SaveAs(new Dictionary<string, object> { ["往年评议结果"] = sheet, ["填写说明"] = notes });
        return stream.ToArray();
    }

    private static string? Cell(object? value) => value switch
    {
        null => null,
        string s => s.Trim(),
        double d => d.ToString("0.##########", CultureInfo.InvariantCulture),
        bool b => b ? "是" : "否",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString()?.Trim(),
    };

    /// <summary>The upload's bytes; an oversized file is not read (its length alone fails validation).</summary>
    public static async Task<byte[]?> ReadAsync(IFormFile? file, CancellationToken ct)
    {
        if (file is null)
        {
            return null;
        }
        if (file.Length > MaxBytes)
        {
            return new byte[MaxBytes + 1];
        }
        using var buffer = new MemoryStream();
        await file.CopyToAsync(buffer, ct);
        return buffer.ToArray();
    }

    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/evaluations/{year:int}/prior-ranks", async (int year, HttpContext http, Handler handler, CancellationToken ct) =>
            {
                var form = await ApiBody.ReadFormAsync(http, MaxBytes + (64 * 1024), ct);
                if (!form.Succeeded)
                {
                    return form.Failure!.ToProblem();
                }
                var content = await ReadAsync(form.Value!.Files.GetFile("file"), ct);
                return (await handler.HandleAsync(year, content, http.User, ct)).ToOk();
            })
            .RequireAuthorization()
            .DisableAntiforgery()
            .WithName("ImportPriorRanks")
            .Produces<Response>()
            .WithSummary("导入往年评议结果（单位代码、类别、排名、重点跟踪对象）")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status403Forbidden, StatusCodes.Status409Conflict);
        api.MapGet("/evaluations/prior-ranks/template", () => Results.File(Template(),
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "往年评议结果模板.xlsx"))
            .RequireAuthorization()
            .WithName("PriorRanksTemplate")
            .WithSummary("往年评议结果导入模板");
    }
}
