using Tempo.Streaming.Cli.Commands;
using Tempo.Streaming.Cli.Load;
using Tempo.Streaming.Cli.Load.Transport;

namespace Tempo.Streaming.Cli.Tests;

public sealed class CommandLineTests
{
    [Theory]
    [InlineData(LoadProtocol.OtlpGrpc, null, "http://localhost:4317/")]
    [InlineData(LoadProtocol.OtlpGrpc, "10.0.0.1:14317", "http://10.0.0.1:14317/")]
    [InlineData(LoadProtocol.OtlpHttp, null, "http://localhost:4318/v1/traces")]
    [InlineData(LoadProtocol.OtlpHttpJson, "collector:4318", "http://collector:4318/v1/traces")]
    [InlineData(LoadProtocol.OtlpHttp, "http://collector:4318/custom/traces", "http://collector:4318/custom/traces")]
    public void Endpoints_get_protocol_defaults(LoadProtocol protocol, string? endpoint, string expected)
    {
        new LoadOptions { Protocol = protocol, Endpoint = endpoint }.ResolveEndpoint().ToString().Should().Be(expected);
    }

    [Fact]
    public void Invalid_option_combinations_are_named()
    {
        var problems = new LoadOptions { OutputFile = "a", InputFile = "b", BatchSpans = 0, Rate = -1 }.Validate();
        problems.Should().Contain(p => p.Contains("--out and --in"));
        problems.Should().Contain(p => p.Contains("--batch-spans"));
        problems.Should().Contain(p => p.Contains("--rate"));
        new LoadOptions().Validate().Should().BeEmpty();
        FluentActions.Invoking(() => new LoadRunner(new LoadOptions { Concurrency = 0 }))
            .Should().Throw<ArgumentException>().WithMessage("*--concurrency*");
    }

    [Fact]
    public async Task Usage_errors_exit_with_2_and_say_what_is_wrong()
    {
        var error = new StringWriter();
        var original = Console.Error;
        Console.SetError(error);
        try
        {
            var exit = await LoadCommand.Create().Parse(["--duration", "soon", "--traces", "5"]).InvokeAsync();
            exit.Should().Be(LoadCommand.ExitUsage);
        }
        finally
        {
            Console.SetError(original);
        }
        error.ToString().Should().Contain("--duration 'soon'");
    }
}
