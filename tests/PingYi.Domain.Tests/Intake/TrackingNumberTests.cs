using PingYi.Domain.Complaints;

namespace PingYi.Domain.Tests.Intake;

public sealed class TrackingNumberTests
{
    [Theory]
    [InlineData(2020, 123, "ZTC-2020-000123")]
    [InlineData(2026, 1, "ZTC-2026-000001")]
    [InlineData(2026, 999999, "ZTC-2026-999999")]
    [InlineData(2026, 1000000, "ZTC-2026-1000000")]
    public void Formats_year_and_six_digit_sequence(int year, long sequence, string expected) =>
        Assert.Equal(expected, TrackingNumber.Format(year, sequence));

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Sequence_starts_at_one(long sequence) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => TrackingNumber.Format(2026, sequence));

    [Theory]
    [InlineData("ZTC-2020-000123", "ZTC-2020-000123")]
    [InlineData(" ztc-2020-000123 ", "ZTC-2020-000123")]
    [InlineData("ZTC－2020－000123", "ZTC-2020-000123")]
    public void Normalizes_what_people_type(string input, string expected)
    {
        Assert.True(TrackingNumber.TryNormalize(input, out var number));
        Assert.Equal(expected, number);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("ZTC-2020-12345")]
    [InlineData("ABC-2020-000123")]
    [InlineData("ZTC-20-000123")]
    [InlineData("ZTC-2020-00012a")]
    [InlineData("ZTC-2020-000123-1")]
    [InlineData("ZTC-2020-000123'; DROP TABLE")]
    public void Rejects_anything_else(string? input) => Assert.False(TrackingNumber.TryNormalize(input, out _));
}
