using System.CommandLine;
using Microsoft.Extensions.Logging.Abstractions;
using Tempo.Streaming.IngestLog;
using Tempo.Streaming.IngestLog.Embedded;
using Tempo.Streaming.IngestLog.Kafka;

namespace Tempo.Streaming.Cli.Commands;

/// <summary>
/// Optional access to the ingest log, the same choices as the server's <c>ingest</c> section: an embedded log folder
/// (<c>ingest.embedded.path</c>, opened read-only like <c>log stats</c>, so it works while a server has it open) or Kafka
/// (<c>ingest.kafka.address</c>/<c>topic</c>), plus the live store's consumer group whose committed offsets are read.
/// Nothing is ever written: the Kafka topic is not auto-created and no offset is committed.
/// </summary>
internal sealed class IngestLogOptionSet
{
    /// <summary>Tempo.Streaming's default <c>live_store.consumer_group</c>.</summary>
    public const string DefaultConsumerGroup = "live-store";

    private readonly Option<string?> _embeddedPath = new("--log.path") { Description = "Embedded ingest log folder (the server's ingest.embedded.path)" };
    private readonly Option<string?> _kafkaAddress = new("--kafka.address") { Description = "Kafka bootstrap servers host:port[,host:port] (the server's ingest.kafka.address)" };
    private readonly Option<string> _kafkaTopic = new("--kafka.topic") { Description = "Kafka ingest topic", DefaultValueFactory = _ => new KafkaLogOptions().Topic };
    private readonly Option<string> _group = new("--consumer-group") { Description = "The live store's consumer group (committed offsets)", DefaultValueFactory = _ => DefaultConsumerGroup };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { _embeddedPath, _kafkaAddress, _kafkaTopic, _group })
        {
            command.Options.Add(option);
        }
    }

    /// <summary>
    /// Why the options cannot be used together, or null. Checked by the command's action rather than a parser validator:
    /// System.CommandLine exits 1 on validator errors, and the blocks commands exit 2 on usage errors.
    /// </summary>
    public string? Problem(ParseResult parse) =>
        parse.GetValue(_embeddedPath) is not null && parse.GetValue(_kafkaAddress) is not null
            ? "--log.path and --kafka.address cannot be combined: choose the embedded log or Kafka"
            : null;

    public string ConsumerGroup(ParseResult parse) => parse.GetValue(_group)!;

    /// <summary>
    /// The log the options name, null when none was named. Failures (no log in the folder, no such topic, brokers
    /// unreachable) throw <see cref="IngestLogAccessException"/> with a message naming the folder or brokers.
    /// </summary>
    public async Task<IIngestLog?> OpenAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        if (parse.GetValue(_embeddedPath) is { } path)
        {
            try
            {
                return EmbeddedIngestLog.OpenReadOnly(path);
            }
            catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                throw new IngestLogAccessException($"--log.path '{path}': {e.Message}", e);
            }
        }
        if (parse.GetValue(_kafkaAddress) is { } address)
        {
            var options = new KafkaLogOptions { Address = address, Topic = parse.GetValue(_kafkaTopic)!, AutoCreateTopicEnabled = false };
            try
            {
                return await KafkaIngestLog.OpenAsync(options, NullLogger.Instance, meterFactory: null, cancellationToken);
            }
            catch (Exception e) when (e is InvalidOperationException or ArgumentException or IngestLogUnavailableException)
            {
                throw new IngestLogAccessException($"Kafka topic '{options.Topic}' at {address}: {e.Message}", e);
            }
        }
        return null;
    }
}

/// <summary>The ingest log the options name cannot be opened; the message names it.</summary>
internal sealed class IngestLogAccessException(string message, Exception inner) : Exception(message, inner);
