using Tempo.Streaming.Core;

namespace Tempo.Streaming.Receivers.Tests;

/// <summary>dskit tenant ID rules as implemented in Core's <see cref="Tenants"/> and used by the receivers.</summary>
public sealed class TenantIdTests
{
    [Theory]
    [InlineData("single-tenant")]
    [InlineData("Team_A.prod")]
    [InlineData("a!b*c'd(e)f")]
    [InlineData("...")]
    public void Accepts_dskit_characters(string tenant) => Tenants.ValidateTenantId(tenant).Should().BeNull();

    [Theory]
    [InlineData("a/b", "tenant ID 'a/b' contains unsupported character '/'")]
    [InlineData("a:b", "tenant ID 'a:b' contains unsupported character ':'")]
    [InlineData(".", "tenant ID is '.' or '..'")]
    [InlineData("..", "tenant ID is '.' or '..'")]
    [InlineData("é", "tenant ID 'é' contains unsupported character 'é'")]
    public void Rejects_with_dskit_messages(string tenant, string message) => Tenants.ValidateTenantId(tenant).Should().Be(message);

    [Fact]
    public void Limits_length_to_150()
    {
        Tenants.ValidateTenantId(new string('a', 150)).Should().BeNull();
        Tenants.ValidateTenantId(new string('a', 151)).Should().Be("tenant ID is too long: max 150 characters");
    }

    [Theory]
    [InlineData("team", "team", null)]
    [InlineData("team|team", "team", null)]
    [InlineData("team|other", null, "multiple org IDs present")]
    [InlineData("", null, "no org id")]
    [InlineData(null, null, "no org id")]
    [InlineData("bad/id|bad/id", null, "tenant ID 'bad/id' contains unsupported character '/'")]
    public void Resolves_one_tenant_like_dskit(string? orgId, string? tenant, string? error)
    {
        Tenants.ResolveSingleTenant(orgId, out var actualError).Should().Be(tenant);
        actualError.Should().Be(error);
    }
}
