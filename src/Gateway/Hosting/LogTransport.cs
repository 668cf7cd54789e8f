using MessagingGateway.Core.Log;
using MessagingGateway.Core.Webhooks;
using MessagingGateway.Dispatch;
using MessagingGateway.Transport.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MessagingGateway.Gateway.Hosting;

/// <summary>Chooses and checks the log: the embedded one, a Kafka cluster, or an in-process Kafka dev cluster.</summary>
internal static class LogTransport
{
    public static void Validate(GatewayOptions options)
    {
        switch (options.Transport)
        {
            case "embedded":
                if (options.KafkaBootstrap is not null || options.KafkaDevCluster > 0)
                {
                    throw new GatewayStartupException("--kafka-bootstrap and --kafka-dev-cluster need --transport kafka.");
                }

                break;
            case "kafka":
                if ((options.KafkaBootstrap is null) == (options.KafkaDevCluster <= 0))
                {
                    throw new GatewayStartupException("--transport kafka needs exactly one of --kafka-bootstrap host:port or --kafka-dev-cluster N.");
                }

                if (options.KafkaDevCluster > 9)
                {
                    throw new GatewayStartupException("--kafka-dev-cluster takes 1 to 9 brokers.");
                }

                break;
            default:
                throw new GatewayStartupException($"--transport must be embedded or kafka (got '{options.Transport}').");
        }

        if (options.Role is not ("all" or "gateway" or "dispatch"))
        {
            throw new GatewayStartupException($"--role must be all, gateway or dispatch (got '{options.Role}').");
        }
    }

    public static void Register(IServiceCollection services, GatewayOptions options)
    {
        if (options.Transport == "embedded")
        {
            services.AddSingleton<IMessageLog>(sp =>
            {
                var log = sp.GetRequiredService<EmbeddedStorage>().Log!;
                if (sp.GetService<DispatchBacklog>() is { } backlog)
                {
                    log.Published = backlog.Accepted; // every record counts: receipts and replies are dispatch's work too
                }

                return log;
            });
            return;
        }

        if (options.KafkaDevCluster > 0)
        {
            services.AddSingleton(_ =>
            {
                var cluster = KafkaMockCluster.Start(options.KafkaDevCluster);
                var kafka = KafkaOptions(options, cluster.BootstrapServers);
                foreach (var topic in (string[])[kafka.OutboundTopic, kafka.InboundTopic, kafka.EventsTopic])
                {
                    cluster.CreateTopic(topic, kafka.Partitions, kafka.ReplicationFactor);
                }

                return cluster;
            });
        }

        services.AddSingleton(sp => new KafkaClientLog(sp.GetRequiredService<ILogger<KafkaClientLog>>()));
        services.AddSingleton(sp => new KafkaLog(
            KafkaOptions(options, options.KafkaBootstrap ?? sp.GetRequiredService<KafkaMockCluster>().BootstrapServers),
            sp.GetRequiredService<ILoggerFactory>(),
            sp.GetRequiredService<KafkaClientLog>()));
        services.AddSingleton<IMessageLog>(sp => sp.GetRequiredService<KafkaLog>());
        services.AddSingleton<IEventTopic>(sp => sp.GetRequiredService<KafkaLog>());
        services.AddSingleton<ILogHealth>(sp => sp.GetRequiredService<KafkaLog>());
    }

    private static KafkaLogOptions KafkaOptions(GatewayOptions options, string bootstrap) => new()
    {
        BootstrapServers = bootstrap,
        OutboundTopic = options.KafkaTopicPrefix + ".outbound",
        InboundTopic = options.KafkaTopicPrefix + ".inbound",
        EventsTopic = options.KafkaTopicPrefix + ".events",
        Partitions = options.Partitions,
        ReplicationFactor = options.KafkaDevCluster > 0 ? (short)Math.Min(options.KafkaDevCluster, 3) : options.KafkaReplication,
        DeliveryTimeout = options.KafkaDeliveryTimeout,
        SessionTimeout = options.KafkaSessionTimeout,
    };
}
