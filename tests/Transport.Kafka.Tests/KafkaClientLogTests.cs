using System.Text;
using Confluent.Kafka;
using MessagingGateway.Core.Log;
using MessagingGateway.Core.Webhooks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MessagingGateway.Transport.Kafka.Tests;

/// <summary>librdkafka's log lines and errors: how loudly they are logged, and what a fatal error does to the log.</summary>
public sealed class KafkaClientLogTests
{
    private const short InitProducerIdApi = 22;

    private static readonly Dictionary<SyslogLevel, LogLevel> Meaning = new()
    {
        [SyslogLevel.Emergency] = LogLevel.Critical,
        [SyslogLevel.Alert] = LogLevel.Critical,
        [SyslogLevel.Critical] = LogLevel.Critical,
        [SyslogLevel.Error] = LogLevel.Error,
        [SyslogLevel.Warning] = LogLevel.Warning,
        [SyslogLevel.Notice] = LogLevel.Information,
        [SyslogLevel.Info] = LogLevel.Information,
        [SyslogLevel.Debug] = LogLevel.Debug,
    };

    public static TheoryData<SyslogLevel> EverySyslogLevel => new(Enum.GetValues<SyslogLevel>());

    [Theory]
    [MemberData(nameof(EverySyslogLevel))]
    public void A_client_log_line_is_logged_at_the_level_its_syslog_level_means(SyslogLevel level)
    {
        var log = new RecordedLog<KafkaClientLog>();

        new KafkaClientLog(log).OnLog(new LogMessage("gw#producer-1", level, "FAIL", "127.0.0.1:9092/1: Connect failed"));

        var entry = Assert.Single(log.Entries);
        Assert.Equal(Meaning[level], entry.Level);
        Assert.Equal(Meaning[level], KafkaClientLog.LevelOf(level));
        Assert.Equal(4001, entry.EventId);
        Assert.Contains("gw#producer-1", entry.Text, StringComparison.Ordinal);
        Assert.Contains("Connect failed", entry.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_non_fatal_client_error_is_a_warning_and_the_log_keeps_taking_appends()
    {
        var log = new RecordedLog<KafkaClientLog>();
        var clients = new KafkaClientLog(log);
        await using var kafka = KafkaHarness.Start(clients: clients);

        clients.OnError("gw#producer-1", new Error(ErrorCode.Local_AllBrokersDown, "1/1 brokers are down", isFatal: false));

        Assert.Contains(log.Entries, e => e is { Level: LogLevel.Warning, EventId: 4002 } && e.Text.Contains("1/1 brokers are down", StringComparison.Ordinal));
        Assert.Null(clients.FatalError);
        Assert.Null(kafka.Log.Fault);
        await kafka.AppendAsync(kafka.KeyFor(0), "still taken");
    }

    [Fact]
    public async Task A_fatal_client_error_is_critical_and_the_log_refuses_appends_and_events()
    {
        var log = new RecordedLog<KafkaClientLog>();
        var clients = new KafkaClientLog(log);
        await using var kafka = KafkaHarness.Start(clients: clients);
        await kafka.AppendAsync(kafka.KeyFor(0), "before");

        var fatal = new Error(ErrorCode.Local_Fatal, "Producer fenced by newer instance", isFatal: true);
        clients.OnError("gw#producer-1", fatal);

        Assert.Contains(log.Entries, e => e is { Level: LogLevel.Critical, EventId: 4003 } && e.Text.Contains("Producer fenced", StringComparison.Ordinal));
        Assert.Same(fatal, clients.FatalError);
        Assert.Equal(KafkaLog.FatalFault, kafka.Log.Fault);
        await Assert.ThrowsAsync<LogUnavailableException>(() => kafka.AppendAsync(kafka.KeyFor(0), "after").AsTask());
        var webhookEvent = new WebhookEvent("evt-1", "message.status", "acme", "conv-1", DateTimeOffset.UnixEpoch, Encoding.UTF8.GetBytes("{}"));
        await Assert.ThrowsAsync<LogUnavailableException>(() => kafka.Log.PublishAsync(webhookEvent, CancellationToken.None).AsTask());
    }

    [Fact]
    public async Task A_producer_id_the_cluster_refuses_is_a_fatal_error_from_librdkafka_and_the_log_refuses_appends()
    {
        var log = new RecordedLog<KafkaClientLog>();
        var clients = new KafkaClientLog(log);
        using var cluster = KafkaMockCluster.Start(1);
        var options = KafkaHarness.OptionsFor(cluster, partitions: 4);
        foreach (var topic in (string[])[options.OutboundTopic, options.InboundTopic, options.EventsTopic])
        {
            cluster.CreateTopic(topic, 4, 1);
        }

        // The idempotent producer's first request is for its producer id; librdkafka treats an
        // authorization refusal there as fatal.
        cluster.PushRequestErrors(InitProducerIdApi, ErrorCode.ClusterAuthorizationFailed);
        await using var kafkaLog = new KafkaLog(options, NullLoggerFactory.Instance, clients);

        await Eventually.HoldsAsync(() => clients.FatalError is not null, TimeSpan.FromSeconds(30), "librdkafka reporting a fatal error");
        Assert.Equal(ErrorCode.ClusterAuthorizationFailed, clients.FatalError!.Code);
        Assert.Contains(log.Entries, e => e is { Level: LogLevel.Critical, EventId: 4003 });
        Assert.Equal(KafkaLog.FatalFault, kafkaLog.Fault);
        await Assert.ThrowsAsync<LogUnavailableException>(() => kafkaLog.AppendAsync(KafkaHarness.Record("conv-1", "refused")).AsTask());
    }
}
