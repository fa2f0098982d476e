using System.Data;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using MiniExcelLibs;
using PingYi.Data;
using PingYi.Domain.Common;
using PingYi.Domain.Units;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Administration;

/// <summary>
/// Units in bulk: the template, the export (the same columns, so an export can be edited and uploaded
/// again) and the import. An import checks every row first and saves nothing when any row is wrong; a
/// row whose code exists changes that unit (the code itself never changes), a new code adds one.
/// The demo roster (<c>DemoData/units.csv</c>) is loaded through the same import.
/// </summary>
public static class UnitSpreadsheet
{
    public const string SheetName = "参评单位";
    public const long MaxUploadBytes = 2 * 1024 * 1024;
    public const int MaxRows = 2000;

    public static readonly string[] Columns = ["代码", "名称", "类别", "职能简介", "监督电话", "联系邮箱", "驻省政务大厅", "评议渠道网址", "状态", "简称"];

    public const string ExampleSheet = "填写示例";
    public const string CategorySheet = "类别";

    private const string Yes = "是";
    private const string No = "否";
    private const string ActiveText = "在用";
    private const string RetiredText = "撤销";

    public sealed record ImportSummary(int Created, int Updated, int Unchanged);

    public static byte[] Template()
    {
        var notes = new DataTable("填写说明");
        notes.Columns.Add("列");
        notes.Columns.Add("说明");
        notes.Rows.Add("代码", "2–16 位小写英文字母、数字或“-”，一经使用不可修改、不可重复使用；已有代码的行将修改该单位");
        notes.Rows.Add("名称", "必填，不超过 100 字");
        notes.Rows.Add("类别", string.Join("；", UnitCategories.Codes.All.Select(c => $"{c.Label}（{c.Code}）")) + "，填中文名称或代码均可");
        notes.Rows.Add("职能简介", "可空，不超过 4000 字");
        notes.Rows.Add("监督电话", "作风评议监督电话，可空");
        notes.Rows.Add("联系邮箱", "接收通知的邮箱，多个用分号“;”分隔，可空");
        notes.Rows.Add("驻省政务大厅", "是 / 否，空为否");
        notes.Rows.Add("评议渠道网址", "单位自己的评议渠道网址（http:// 或 https://），可空");
        notes.Rows.Add("状态", "在用 / 撤销，空为在用；撤销的单位不再受理新的反映");
        notes.Rows.Add("简称", "群众常用的叫法（如 人社厅、社保局），多个用顿号“、”或分号分隔，可空；表格中没有这一列时，已有单位的简称不变");
        // The example and the categories are sheets of their own: the import reads only the first sheet, so an
        // example row left in place is never imported as a unit.
        var example = new DataTable(ExampleSheet);
        foreach (var c in Columns)
        {
            example.Columns.Add(c);
        }
        example.Rows.Add("example-dept", "省示例厅", UnitCategories.Codes.LabelOf(UnitCategory.Government), "负责全省示例工作的综合管理。", "0431-88000000",
            "office@example.cn;leader@example.cn", No, "https://example.cn/pingyi", ActiveText, "示例厅、示例局");
        var categories = new DataTable(CategorySheet);
        categories.Columns.Add("类别");
        categories.Columns.Add("代码");
        foreach (var c in UnitCategories.Codes.All)
        {
            categories.Rows.Add(c.Label, c.Code);
        }
        return Save(new Dictionary<string, object> { [SheetName] = Table([]), [ExampleSheet] = example, [CategorySheet] = categories, ["填写说明"] = notes });
    }

    public static async Task<byte[]> ExportAsync(PingYiDbContext db, CancellationToken ct)
    {
        var units = await db.Units.AsNoTracking().ToListAsync(ct);
        var ordered = units.OrderBy(u => u.Category).ThenBy(u => u.Code, StringComparer.Ordinal).ToList();
        return Save(new Dictionary<string, object> { [SheetName] = Table(ordered) });
    }

    private static DataTable Table(IEnumerable<Unit> units)
    {
        var table = new DataTable(SheetName);
        foreach (var c in Columns)
        {
            table.Columns.Add(c, typeof(string));
        }
        foreach (var u in units)
        {
            table.Rows.Add(u.Code, u.Name, UnitCategories.Codes.LabelOf(u.Category), u.Duties, u.SupervisionPhone,
                string.Join(";", u.ContactEmails), u.ServiceHall ? Yes : No, u.EvaluationChannelUrl ?? string.Empty, u.Active ? ActiveText : RetiredText,
                string.Join("、", u.ShortNames));
        }
        return table;
    }

    private static byte[] Save(Dictionary<string, object> sheets)
    {
        using var stream = new MemoryStream();
        stream.SaveAs(sheets);
        return stream.ToArray();
    }

    /// <summary>Reads and validates every row; errors are keyed <c>rows[N].field</c> with N the sheet's row number.</summary>
    public static Result<IReadOnlyList<ManageUnits.ValidUnit>> Read(Stream file, ExcelType type)
    {
        var errors = new ValidationErrors();
        List<IDictionary<string, object?>> rows;
        try
        {
            rows = file.Query(useHeaderRow: true, excelType: type)
                .Cast<IDictionary<string, object?>>()
                .Take(MaxRows + 1)
                .ToList();
        }
        catch (Exception e) when (e is InvalidDataException or IOException or FormatException or InvalidOperationException or NotSupportedException or ArgumentException or System.Xml.XmlException)
        {
            return RequestFailure.Invalid("文件无法读取", "file", "文件不是有效的 xlsx 表格，请用下载的模板填写。");
        }
        if (rows.Count > MaxRows)
        {
            return RequestFailure.Invalid("行数过多", "file", $"一次最多导入 {MaxRows} 行。");
        }
        var headers = rows.FirstOrDefault()?.Keys.Select(k => k.Trim()).ToHashSet() ?? [];
        var missing = Columns.Take(3).Where(c => !headers.Contains(c)).ToList();
        if (rows.Count > 0 && missing.Count > 0)
        {
            return RequestFailure.Invalid("表头不对", "file", $"第 1 行缺少列：{string.Join("、", missing)}。请用下载的模板填写。");
        }
        var valid = new List<ManageUnits.ValidUnit>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i].ToDictionary(kv => kv.Key.Trim(), kv => Cell(kv.Value));
            if (row.Values.All(string.IsNullOrEmpty))
            {
                continue;
            }
            var number = i + 2;
            var prefix = $"rows[{number}].";
            var label = $"第 {number} 行：";
            var before = errors.ToDictionary().Count;
            var serviceHall = ParseChoice(row.GetValueOrDefault("驻省政务大厅"), Yes, No, false);
            if (serviceHall is null)
            {
                errors.Add(prefix + "serviceHall", label + "“驻省政务大厅”应填“是”或“否”。");
            }
            var active = ParseChoice(row.GetValueOrDefault("状态"), ActiveText, RetiredText, true);
            if (active is null)
            {
                errors.Add(prefix + "active", label + "“状态”应填“在用”或“撤销”。");
            }
            var body = new ManageUnits.UnitBody(
                row.GetValueOrDefault("代码"), row.GetValueOrDefault("名称"), row.GetValueOrDefault("类别"), row.GetValueOrDefault("职能简介"),
                row.GetValueOrDefault("监督电话"),
                (row.GetValueOrDefault("联系邮箱") ?? string.Empty).Split([';', '；', ',', '，', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries).ToList(),
                serviceHall, row.GetValueOrDefault("评议渠道网址"), active,
                headers.Contains("简称") ? ManageUnits.SplitShortNames(row.GetValueOrDefault("简称")) : null);
            var unit = ManageUnits.Validate(body, errors, prefix, label);
            if (unit is not null && seen.TryGetValue(unit.Code, out var first))
            {
                errors.Add(prefix + "code", label + $"单位代码“{unit.Code}”与第 {first} 行重复。");
            }
            else if (unit is not null && errors.ToDictionary().Count == before)
            {
                seen[unit.Code] = number;
                valid.Add(unit);
            }
        }
        if (!errors.IsEmpty)
        {
            return new RequestFailure(FailureKind.Invalid, "表格中有错误，未导入任何单位", errors.ToDictionary());
        }
        if (valid.Count == 0)
        {
            return RequestFailure.Invalid("表格为空", "file", "表格中没有单位，请在模板的“参评单位”表中逐行填写。");
        }
        return valid;
    }

    /// <summary>Saves the rows in one transaction: all of them or (on any failure) none.</summary>
    public static async Task<ImportSummary> SaveAsync(PingYiDbContext db, AuditLog audit, IReadOnlyList<ManageUnits.ValidUnit> units, CancellationToken ct)
    {
        var codes = units.Select(u => u.Code).ToList();
        var existing = await db.Units.Where(u => codes.Contains(u.Code)).ToDictionaryAsync(u => u.Code, ct);
        int created = 0, updated = 0, unchanged = 0;
        foreach (var v in units)
        {
            if (existing.TryGetValue(v.Code, out var unit))
            {
                var before = ManageUnits.Snapshot(unit);
                ManageUnits.Apply(unit, v);
                var after = ManageUnits.Snapshot(unit);
                if (System.Text.Json.JsonSerializer.Serialize(before) == System.Text.Json.JsonSerializer.Serialize(after))
                {
                    unchanged++;
                    continue;
                }
                audit.Record(AuditKinds.UnitUpdated, v.Code, before, after);
                updated++;
            }
            else
            {
                var fresh = ManageUnits.New(v);
                db.Units.Add(fresh);
                audit.Record(AuditKinds.UnitCreated, v.Code, null, ManageUnits.Snapshot(fresh));
                created++;
            }
        }
        audit.Record(AuditKinds.UnitsImported, "units", null, new { created, updated, unchanged });
        await db.SaveChangesAsync(ct);
        return new ImportSummary(created, updated, unchanged);
    }

    private static string? Cell(object? value) => value switch
    {
        null => null,
        string s => s.Trim(),
        double d => d.ToString("0.##########", CultureInfo.InvariantCulture),
        bool b => b ? Yes : No,
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString()?.Trim(),
    };

    private static bool? ParseChoice(string? text, string yes, string no, bool empty) => text?.Trim().ToLowerInvariant() switch
    {
        null or "" => empty,
        var t when t == yes || t is "true" or "1" or "y" or "yes" => true,
        var t when t == no || t is "false" or "0" or "n" or "no" => false,
        _ => null,
    };

    public static void Map(RouteGroupBuilder admin)
    {
        admin.MapGet("/units/template", () => Results.File(Template(), ListAudit.XlsxType, "units-template.xlsx"))
            .RequireAuthorization(AdminPolicies.Units)
            .WithName("AdminUnitsTemplate")
            .WithSummary("下载参评单位导入模板（xlsx）");
        admin.MapGet("/units/export", async (PingYiDbContext db, CancellationToken ct) =>
                Results.File(await ExportAsync(db, ct), ListAudit.XlsxType, "units.xlsx"))
            .RequireAuthorization(AdminPolicies.Units)
            .WithName("AdminUnitsExport")
            .WithSummary("导出参评单位（与模板同格式）");
        admin.MapPost("/units/import", async (HttpContext http, ManageUnits.Handler units, CancellationToken ct) =>
            {
                var form = await ApiBody.ReadFormAsync(http, MaxUploadBytes, ct);
                if (!form.Succeeded)
                {
                    return form.Failure!.ToProblem();
                }
                var file = form.Value!.Files.GetFile("file");
                if (file is null || file.Length == 0)
                {
                    return RequestFailure.Invalid("缺少文件", "file", "请选择要导入的 xlsx 文件（字段名 file）。").ToProblem();
                }
                var result = await units.ImportAsync(file, ct);
                return result.ToOk();
            })
            .RequireAuthorization(AdminPolicies.Units)
            .DisableAntiforgery()
            .WithName("AdminUnitsImport")
            .WithSummary("批量导入参评单位（xlsx，字段名 file；任一行有错则全部不导入）");
    }

    /// <summary>Reads an uploaded xlsx, and saves it when every row is valid. Shared by the page and the API.</summary>
    public static async Task<Result<ImportSummary>> ImportAsync(IFormFile file, PingYiDbContext db, AuditLog audit, ManageUnits.Handler units, CancellationToken ct)
    {
        if (file.Length > MaxUploadBytes)
        {
            return RequestFailure.TooLarge("文件过大", "file", $"文件不能超过 {MaxUploadBytes / 1024 / 1024} MB。");
        }
        await using var buffer = new MemoryStream();
        await file.CopyToAsync(buffer, ct);
        if (SpreadsheetLimits.Check(buffer.ToArray(), MaxRows) is { } tooLarge)
        {
            return tooLarge;
        }
        buffer.Position = 0;
        var read = Read(buffer, ExcelType.XLSX);
        if (!read.Succeeded)
        {
            return read.Failure!;
        }
        var summary = await SaveAsync(db, audit, read.Value!, ct);
        foreach (var u in read.Value!)
        {
            units.Forget(u.Code);
        }
        return summary;
    }
}
