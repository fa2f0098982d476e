using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PingYi.Web.Tests.Infrastructure;

public static class TestData
{
    public const string DemoUnit = "jyt";

    /// <summary>A valid anonymous complaint body; tweak the node to make it invalid.</summary>
    public static JsonObject Complaint(string? title = null) => new()
    {
        ["unitCode"] = DemoUnit,
        ["category"] = "formalism",
        ["title"] = title ?? "学校迎检材料层层加码",
        ["description"] = "区教育局要求学校在一周内提交同一检查的三套纸质材料，教师连续加班整理台账。",
        ["anonymous"] = true,
    };

    public static StringContent Json(JsonNode node) => new(node.ToJsonString(), System.Text.Encoding.UTF8, "application/json");

    public static async Task<JsonObject> ReadObjectAsync(this HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonObject>())!;

    /// <summary>Minimal valid files, recognised by content.</summary>
    public static readonly byte[] Png = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");

    /// <summary>A real one-page PDF: intake copies a PDF's pages to drop its metadata, so a header alone is refused.</summary>
    public static readonly byte[] Pdf = OnePagePdf();

    private static byte[] OnePagePdf()
    {
        using var builder = new UglyToad.PdfPig.Writer.PdfDocumentBuilder();
        builder.AddPage(UglyToad.PdfPig.Content.PageSize.A4);
        return builder.Build();
    }

    public static async Task<(string TrackingNumber, string AccessCode)> LodgeAsync(HttpClient client, JsonObject? body = null)
    {
        var response = await client.PostAsync("/api/v1/complaints", Json(body ?? Complaint()));
        var json = await response.ReadObjectAsync();
        if ((int)response.StatusCode != 201)
        {
            throw new InvalidOperationException($"Lodge failed: {(int)response.StatusCode} {json.ToJsonString(new JsonSerializerOptions { WriteIndented = true })}");
        }
        return (json["trackingNumber"]!.GetValue<string>(), json["accessCode"]!.GetValue<string>());
    }
}
