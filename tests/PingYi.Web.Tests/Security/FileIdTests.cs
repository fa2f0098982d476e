using System.Globalization;
using System.Net;
using System.Numerics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PingYi.Data;
using PingYi.Web.Tests.Infrastructure;
using static PingYi.Web.Tests.Infrastructure.StaffApi;

namespace PingYi.Web.Tests.Security;

/// <summary>
/// Review "second pass", item 11: file ids were a global sequence (a file's id told how many came before, and the
/// next one could be guessed). Every download URL and API field now carries a random 128-bit public id; the table's
/// key answers 404.
/// </summary>
public abstract class FileIdTests(AppFixture fixture)
{
    private readonly StaffApi _api = StaffApi.For(fixture.App);

    private async Task<(string Number, string PublicId, long Key)> LodgeAsync(string title)
    {
        var (number, _) = await _api.LodgeWithPngAsync(Named(Complaint(title), Complainant.Distinct()));
        var view = await _api.StaffViewAsync(Supervisor, number);
        var publicId = view["attachments"]!.AsArray().Single()!["id"]!.GetValue<string>();
        using var scope = fixture.App.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<PingYiDbContext>();
        var key = await db.Attachments.Where(a => a.PublicId == publicId).Select(a => a.Id).SingleAsync();
        return (number, publicId, key);
    }

    [Fact]
    public async Task Consecutive_uploads_get_unrelated_random_ids_and_the_sequential_key_answers_404()
    {
        var first = await LodgeAsync("文件编号一");
        var second = await LodgeAsync("文件编号二");
        foreach (var id in new[] { first.PublicId, second.PublicId })
        {
            Assert.Matches("^[0-9a-f]{32}$", id);
        }
        // Not a sequence: the two differ in many bits, and neither is the other plus a small step.
        var a = BigInteger.Parse("0" + first.PublicId, NumberStyles.HexNumber);
        var b = BigInteger.Parse("0" + second.PublicId, NumberStyles.HexNumber);
        Assert.True(BigInteger.Abs(b - a) > new BigInteger(1_000_000), $"{first.PublicId} → {second.PublicId}");
        var differingBits = (a ^ b).ToByteArray().Sum(x => BitOperations.PopCount(x));
        Assert.InRange(differingBits, 24, 104);

        var supervisor = await _api.AsAsync(Supervisor);
        Assert.Equal(HttpStatusCode.OK, (await supervisor.GetAsync($"/api/v1/complaints/{second.Number}/attachments/{second.PublicId}")).StatusCode);
        // The old URL shape, with the sequential key, finds nothing.
        await ExpectProblemAsync(await supervisor.GetAsync($"/api/v1/complaints/{second.Number}/attachments/{second.Key}"), HttpStatusCode.NotFound);
        // One case's file id does not open under another case.
        await ExpectProblemAsync(await supervisor.GetAsync($"/api/v1/complaints/{first.Number}/attachments/{second.PublicId}"), HttpStatusCode.NotFound);
        // The staff page links by the public id only.
        var page = await ExpectAsync(await supervisor.GetAsync($"/staff/complaints/{second.Number}"), HttpStatusCode.OK);
        Assert.Contains($"/attachments/{second.PublicId}", page);
        Assert.DoesNotContain($"/attachments/{second.Key}\"", page);
    }
}

public sealed class SqliteFileIdTests(SqliteApp fixture) : FileIdTests(fixture), IClassFixture<SqliteApp>;

public sealed class PostgresFileIdTests(PostgresApp fixture) : FileIdTests(fixture), IClassFixture<PostgresApp>;
