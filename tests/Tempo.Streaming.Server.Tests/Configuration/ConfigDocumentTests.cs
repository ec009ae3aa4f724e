using Tempo.Streaming.Server.Configuration;

namespace Tempo.Streaming.Server.Tests.Configuration;

public sealed class ConfigDocumentTests
{
    [Fact]
    public void Defaults_round_trip_through_yaml()
    {
        var yaml = ConfigDocument.ToYaml(ConfigDocument.ToTree(TempoConfig.Default));

        ConfigLoader.Parse(yaml).Should().Be(TempoConfig.Default);
    }

    [Fact]
    public void Every_key_of_a_parsed_config_is_written_back()
    {
        var config = ConfigLoader.Parse("""
            multitenancy_enabled: true
            server:
              log_level: warn
            ingest:
              embedded:
                retention_period: 90m
            distributor:
              receivers:
                otlp:
                  protocols:
                    http:
                      endpoint: 0.0.0.0:4318
            """);

        ConfigLoader.Parse(ConfigDocument.ToYaml(ConfigDocument.ToTree(config))).Should().Be(config);
    }

    [Fact]
    public void Diff_keeps_only_changed_leaves_and_secrets_are_masked()
    {
        var config = TempoConfig.Default with
        {
            Storage = new StorageConfig
            {
                Trace = new TraceStorageConfig
                {
                    Backend = StorageBackend.S3,
                    S3 = new S3StorageConfig { Bucket = "tempo", SecretKey = "very-secret" },
                },
            },
        };

        var yaml = ConfigDocument.ToYaml(ConfigDocument.Diff(ConfigDocument.ToTree(TempoConfig.Default), ConfigDocument.ToTree(config)));

        yaml.Should().Be("""
            storage:
              trace:
                backend: s3
                s3:
                  bucket: tempo
                  secret_key: '********'

            """.Replace("\r\n", "\n"));
        yaml.Should().NotContain("very-secret");
    }

    [Fact]
    public void Diff_of_the_defaults_is_empty() =>
        ConfigDocument.ToYaml(ConfigDocument.Diff(ConfigDocument.ToTree(TempoConfig.Default), ConfigDocument.ToTree(TempoConfig.Default)))
            .Should().Be("{}\n");
}
