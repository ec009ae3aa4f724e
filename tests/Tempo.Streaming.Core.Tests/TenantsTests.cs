namespace Tempo.Streaming.Core.Tests;

/// <summary>dskit's tenant rules: one tenant for writes, several (a|b, sorted and distinct) for Tempo's multi-tenant reads.</summary>
public sealed class TenantsTests
{
    [Theory]
    [InlineData("team-a", "team-a")]
    [InlineData("team-a|team-a", "team-a")]
    public void A_write_names_one_tenant(string orgId, string expected) =>
        Tenants.ResolveSingleTenant(orgId, out _).Should().Be(expected);

    [Theory]
    [InlineData("team-a|team-b", "multiple org IDs present")]
    [InlineData("", "no org id")]
    [InlineData("a/b", "tenant ID 'a/b' contains unsupported character '/'")]
    public void A_write_with_no_or_several_tenants_is_refused(string orgId, string expected)
    {
        Tenants.ResolveSingleTenant(orgId, out var error).Should().BeNull();
        error.Should().Be(expected);
    }

    [Fact]
    public void A_read_may_name_several_tenants_which_come_back_sorted_and_distinct() =>
        Tenants.ResolveTenants("team-b|team-a|team-b", out _).Should().Equal("team-a", "team-b");

    [Theory]
    [InlineData(null, "no org id")]
    [InlineData("team-a|", "no org id")]
    [InlineData("team-a|..", "tenant ID is '.' or '..'")]
    public void A_read_with_a_missing_or_invalid_part_is_refused(string? orgId, string expected)
    {
        Tenants.ResolveTenants(orgId, out var error).Should().BeNull();
        error.Should().Be(expected);
    }
}
