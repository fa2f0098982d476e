using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PingYi.Data.Identity;
using PingYi.Domain.Common;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Calendars;

/// <summary>节假日安排: the years the calendar covers and where each comes from; an Admin uploads a year's file.</summary>
[Authorize(Roles = StaffRoles.Admin)]
public sealed class IndexModel(WorkflowRuntime workflows, UploadCalendar.Handler upload, TimeProvider time) : PageModel
{
    public sealed record YearRow(int Year, string Source, int Days, DateTime? UploadedAt);

    public IReadOnlyList<YearRow> Years { get; private set; } = [];

    public int CurrentYear { get; private set; }

    /// <summary>Years without a calendar that the next 60 days or an open deadline reach.</summary>
    public IReadOnlySet<int> MissingYears { get; private set; } = new HashSet<int>();

    [BindProperty]
    public int? Year { get; set; }

    [BindProperty]
    public IFormFile? Upload { get; set; }

    public string? Error { get; private set; }

    public UploadCalendar.Outcome? Done { get; private set; }

    private const string DoneKey = "calendar-done";

    public async Task OnGetAsync(CancellationToken ct)
    {
        if (TempData[DoneKey] is string done)
        {
            Done = System.Text.Json.JsonSerializer.Deserialize<UploadCalendar.Outcome>(done);
        }
        await LoadAsync(ct);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (Year is null)
        {
            Error = "请填写年份。";
        }
        else if (Upload is null || Upload.Length == 0)
        {
            Error = "请选择日历文件（JSON）。";
        }
        else if (Upload.Length > UploadCalendar.MaxBytes)
        {
            Error = $"日历文件不能超过 {UploadCalendar.MaxBytes / 1000} KB。";
        }
        else
        {
            using var reader = new StreamReader(Upload.OpenReadStream());
            var result = await upload.HandleAsync(User, Year.Value, await reader.ReadToEndAsync(ct), ct);
            if (result.Succeeded)
            {
                // Post/Redirect/Get: a reload does not upload the year again.
                TempData[DoneKey] = System.Text.Json.JsonSerializer.Serialize(result.Value);
                return RedirectToPage();
            }
            else
            {
                Error = string.Join(" ", result.Failure!.Errors.SelectMany(e => e.Value));
            }
        }
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        CurrentYear = ChinaTime.Today(time).Year;
        var uploads = await upload.UploadsAsync(ct);
        Years = workflows.Calendar.Years
            .Select(y => new YearRow(y.Year.Year, uploads.ContainsKey(y.Year.Year) ? "管理员上传" : "随程序发布", y.Year.Days.Count, uploads.TryGetValue(y.Year.Year, out var at) ? at : null))
            .OrderByDescending(y => y.Year)
            .ToList();
        MissingYears = await upload.MissingYearsAsync(ct);
        Year ??= MissingYears.Count > 0 ? MissingYears.Min() : CurrentYear + 1;
    }
}
