using System.Net;
using Confluent.Kafka;
using MessagingGateway.Transport.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MessagingGateway.Gateway.Tests;

/// <summary>A Kafka client's fatal error takes the node out of service: readiness fails and sends are refused, never acknowledged.</summary>
public sealed class KafkaFatalErrorTests
{
    private const short InitProducerIdApi = 22;

    [Fact]
    public async Task A_fatal_client_error_makes_the_node_unready_and_sends_a_503_with_retry_after()
    {
        await using var gateway = await InProcessGateway.StartAsync(null, KafkaArgs.DevCluster);
        using var client = gateway.Client();
        await client.SendAsync(GatewayClient.SandboxText("+31612340001", "voor"));
        await Eventually.HoldsAsync(async () => (await ReadinessAsync(client)).Status == HttpStatusCode.OK, TimeSpan.FromSeconds(30), "the node is ready");

        gateway.Services.GetRequiredService<KafkaClientLog>().OnError("gw#producer-1", new Error(ErrorCode.Local_Fatal, "Producer fenced by newer instance", isFatal: true));

        var (status, reason, logCheck) = await ReadinessAsync(client);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("kafka-fatal", reason);
        Assert.False(logCheck);
        await AssertRefusedAsync(client, "+31612340001");
    }

    [Fact]
    public async Task A_non_fatal_client_error_leaves_the_node_ready_and_accepting()
    {
        await using var gateway = await InProcessGateway.StartAsync(null, KafkaArgs.DevCluster);
        using var client = gateway.Client();
        await Eventually.HoldsAsync(async () => (await ReadinessAsync(client)).Status == HttpStatusCode.OK, TimeSpan.FromSeconds(30), "the node is ready");

        gateway.Services.GetRequiredService<KafkaClientLog>().OnError("gw#producer-1", new Error(ErrorCode.Local_AllBrokersDown, "3/3 brokers are down", isFatal: false));

        var (status, reason, logCheck) = await ReadinessAsync(client);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Null(reason);
        Assert.True(logCheck);
        var accepted = await client.SendAsync(GatewayClient.SandboxText("+31612340002", "na"));
        Assert.NotNull(accepted["id"]);
    }

    [Fact]
    public async Task A_fatal_error_raised_by_librdkafka_makes_the_node_unready_and_is_logged_as_critical()
    {
        using var cluster = KafkaArgs.ClusterWithTopics(1);

        // The idempotent producer's first request is for its producer id; librdkafka treats an
        // authorization refusal there as fatal.
        cluster.PushRequestErrors(InitProducerIdApi, ErrorCode.ClusterAuthorizationFailed);
        var captured = new CapturedLog();
        await using var gateway = await InProcessGateway.StartAsync(
            null, services => services.AddSingleton<ILoggerProvider>(captured), "--transport", "kafka", "--kafka-bootstrap", cluster.BootstrapServers);
        using var client = gateway.Client();

        await Eventually.HoldsAsync(async () => (await ReadinessAsync(client)).Reason == "kafka-fatal", TimeSpan.FromSeconds(30), "readiness names the fatal error");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await ReadinessAsync(client)).Status);
        await AssertRefusedAsync(client, "+31612340003");
        Assert.Contains(captured.Lines, line => line.StartsWith("Critical MessagingGateway.Transport.Kafka.KafkaClientLog[4003]", StringComparison.Ordinal)
            && line.Contains(nameof(ErrorCode.ClusterAuthorizationFailed), StringComparison.Ordinal));
    }

    private static async Task<(HttpStatusCode Status, string? Reason, bool LogCheck)> ReadinessAsync(GatewayClient client)
    {
        using var response = await client.GetAsync("/health/ready");
        var body = await GatewayClient.ReadJsonAsync(response);
        return (response.StatusCode, body["reason"]?.GetValue<string>(), body["checks"]!["log"]!.GetValue<bool>());
    }

    private static async Task AssertRefusedAsync(GatewayClient client, string to)
    {
        using var refused = await client.PostJsonAsync("/v1/messages", GatewayClient.SandboxText(to, "geweigerd"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType!.MediaType);
        Assert.NotNull(refused.Headers.RetryAfter);
    }
}
