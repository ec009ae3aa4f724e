using Tempo.Streaming.Server.CommandLine;
using Tempo.Streaming.Server.Configuration;

namespace Tempo.Streaming.Server.Tests.Configuration;

public sealed class ServerArgumentsTests
{
    [Theory]
    [InlineData("-config.file=/etc/tempo.yaml")]
    [InlineData("-config.file /etc/tempo.yaml")]
    [InlineData("--config.file=/etc/tempo.yaml")]
    [InlineData("--config.file /etc/tempo.yaml")]
    public void Config_file_flag_accepts_every_go_flag_spelling(string commandLine) =>
        ServerArguments.Parse(commandLine.Split(' ')).ConfigFile.Should().Be("/etc/tempo.yaml");

    [Fact]
    public void Bool_flags_are_true_alone_and_take_a_value_only_with_equals()
    {
        ServerArguments.Parse(["-config.expand-env"]).ConfigExpandEnv.Should().BeTrue();
        ServerArguments.Parse(["--config.expand-env=false"]).ConfigExpandEnv.Should().BeFalse();
        ServerArguments.Parse(["-config.expand-env=true", "-target=all"]).Should().Be(
            new ServerArguments { ConfigExpandEnv = true, Target = "all" });
    }

    [Fact]
    public void Target_flag()
    {
        ServerArguments.Parse(["-target", "distributor"]).Target.Should().Be("distributor");
        ServerArguments.Parse([]).Target.Should().BeNull();
    }

    [Theory]
    [InlineData("-config.fil=x", "flag provided but not defined: -config.fil")]
    [InlineData("-target", "flag needs an argument: -target")]
    [InlineData("-config.expand-env=yes", "invalid boolean value \"yes\" for -config.expand-env")]
    [InlineData("-config.expand-env extra", "unexpected argument \"extra\": tempo-streaming takes only flags")]
    [InlineData("---x", "bad flag syntax: ---x")]
    public void Bad_command_lines_are_rejected(string commandLine, string message)
    {
        var act = () => ServerArguments.Parse(commandLine.Split(' '));

        act.Should().Throw<ArgumentException>().WithMessage(message);
    }

    [Fact]
    public void Target_flag_overrides_the_file_and_the_query_targets_do_not_run_in_this_build()
    {
        var path = Path.Combine(Path.GetTempPath(), $"tempo-target-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, "target: querier\n");
        try
        {
            var fromFile = () => ServerProgram.LoadConfig(new ServerArguments { ConfigFile = path });
            fromFile.Should().Throw<ConfigException>().Which.Message.Should().StartWith(
                "invalid config: target \"querier\" cannot run in this build: the querier and query-frontend are not built yet");

            ServerProgram.LoadConfig(new ServerArguments { ConfigFile = path, Target = "all" }).Target.Should().Be("all");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("querier")]
    [InlineData("query-frontend")]
    public void Query_targets_fail_with_a_reason(string target) =>
        ServerTargets.CheckRunnable(target).Should().Be(
            $"target \"{target}\" cannot run in this build: the querier and query-frontend are not built yet (the live stores answer " +
            "queries); run -target=all, -target=distributor, -target=live-store, -target=compactor");

    [Theory]
    [InlineData("all")]
    [InlineData("distributor")]
    [InlineData("live-store")]
    [InlineData("compactor")]
    public void The_single_binary_and_the_ingest_targets_run(string target) => ServerTargets.CheckRunnable(target).Should().BeNull();

    [Fact]
    public void Unknown_targets_list_the_known_ones() =>
        ServerTargets.CheckRunnable("ingester").Should().Be(
            "unknown target \"ingester\" (known targets: all, distributor, live-store, querier, query-frontend, compactor)");

    [Fact]
    public async Task The_program_exits_1_with_the_message_on_stderr()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        var exitCode = await ServerProgram.RunAsync(["-target=querier"], stdout, stderr);

        exitCode.Should().Be(1);
        stderr.ToString().Should().StartWith("invalid config: target \"querier\" cannot run in this build");
    }

    [Fact]
    public async Task An_invalid_config_file_exits_1_naming_the_key()
    {
        var path = Path.Combine(Path.GetTempPath(), $"tempo-bad-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(path, "server:\n  http_listen_prot: 3200\n");
        try
        {
            var stderr = new StringWriter();

            var exitCode = await ServerProgram.RunAsync([$"-config.file={path}"], new StringWriter(), stderr);

            exitCode.Should().Be(1);
            stderr.ToString().Trim().Should().Be("invalid config: unknown key \"server.http_listen_prot\" (line 2, column 3)");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Verify_and_version_flags_exit_without_starting()
    {
        var stdout = new StringWriter();
        (await ServerProgram.RunAsync(["-config.verify"], stdout, new StringWriter())).Should().Be(0);
        stdout.ToString().Should().Be("config is valid" + System.Environment.NewLine);

        var version = new StringWriter();
        (await ServerProgram.RunAsync(["-version"], version, new StringWriter())).Should().Be(0);
        version.ToString().Should().StartWith("tempo-streaming, version ");

        var stderr = new StringWriter();
        (await ServerProgram.RunAsync(["-nope"], new StringWriter(), stderr)).Should().Be(1);
        stderr.ToString().Should().StartWith("tempo-streaming: flag provided but not defined: -nope").And.Contain("Usage of tempo-streaming:");
    }
}
