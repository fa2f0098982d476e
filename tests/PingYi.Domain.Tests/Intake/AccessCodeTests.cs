using PingYi.Domain.Complaints;

namespace PingYi.Domain.Tests.Intake;

public sealed class AccessCodeTests
{
    [Fact]
    public void Codes_are_long_and_use_only_unambiguous_characters()
    {
        var codes = Enumerable.Range(0, 200).Select(_ => AccessCode.Generate()).ToList();

        Assert.All(codes, c =>
        {
            Assert.True(c.Length >= 10);
            Assert.All(c, ch => Assert.Contains(ch, AccessCode.Alphabet));
        });
        Assert.Equal(codes.Count, codes.Distinct().Count());
        foreach (var ambiguous in "01OIL")
        {
            Assert.DoesNotContain(ambiguous, AccessCode.Alphabet);
        }
    }

    [Fact]
    public void The_hash_verifies_the_code_and_does_not_contain_it()
    {
        var code = AccessCode.Generate();

        var hash = AccessCode.Hash(code);

        Assert.DoesNotContain(code, hash);
        Assert.True(AccessCode.Verify(code, hash));
        Assert.True(AccessCode.Verify(AccessCode.Display(code).ToLowerInvariant(), hash));
        Assert.True(AccessCode.Verify(" " + code[..4] + " " + code[4..] + " ", hash));
    }

    [Fact]
    public void Hashes_are_salted()
    {
        var code = AccessCode.Generate();

        Assert.NotEqual(AccessCode.Hash(code), AccessCode.Hash(code));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("WRONGCODE234")]
    public void A_wrong_or_missing_code_fails(string? attempt) =>
        Assert.False(AccessCode.Verify(attempt, AccessCode.Hash("ABCDEFGHJKMN")));

    [Theory]
    [InlineData("")]
    [InlineData("plain")]
    [InlineData("s256$notbase64$x")]
    [InlineData("md5$AAAA$BBBB")]
    public void A_malformed_stored_hash_never_verifies(string stored) =>
        Assert.False(AccessCode.Verify("ABCDEFGHJKMN", stored));

    [Fact]
    public void Display_groups_by_four() => Assert.Equal("ABCD-EFGH-JKMN", AccessCode.Display("ABCDEFGHJKMN"));
}
