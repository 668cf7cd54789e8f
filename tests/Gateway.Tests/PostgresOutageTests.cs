using System.Net;
using Npgsql;

namespace MessagingGateway.Gateway.Tests;

/// <summary>
/// The shared store goes away for a while under load: the node says it is not ready, what needs
/// the store is refused with 503 and <c>Retry-After</c> (never a 500, never a 202 for what was not
/// kept), and once the store is back everything that was acknowledged is delivered, once.
/// </summary>
public sealed class PostgresOutageTests : IAsyncLifetime
{
    private Transport.Kafka.KafkaMockCluster? _cluster;
    private TcpGate? _gate;
    private string _admin = "";
    private string _database = "";

    private static string Customer(int n) => "+316" + (16_000_000 + n);

    public async Task InitializeAsync()
    {
        _admin = await PostgresServer.AdminConnectionStringAsync();
        _database = "mgw_outage_" + Guid.NewGuid().ToString("N")[..16];
        await using (var admin = new NpgsqlConnection(_admin))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{_database}\"", admin);
            await create.ExecuteNonQueryAsync();
        }

        var server = new NpgsqlConnectionStringBuilder(_admin);
        _gate = TcpGate.Start(server.Host!, server.Port);
        _cluster = KafkaArgs.ClusterWithTopics(1);
    }

    public async Task DisposeAsync()
    {
        _cluster?.Dispose();
        if (_gate is not null)
        {
            await _gate.DisposeAsync();
        }

        await using var admin = new NpgsqlConnection(_admin);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_database}\" WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task While_PostgreSQL_is_away_the_node_is_unready_and_refuses_with_503_and_afterwards_everything_acknowledged_arrives_once()
    {
        var connection = new NpgsqlConnectionStringBuilder(_admin) { Database = _database, Port = _gate!.Port, Timeout = 3, CommandTimeout = 5, MaxPoolSize = 20 }.ConnectionString;
        await using var node = await InProcessGateway.StartAsync(
            null,
            "--transport", "kafka", "--kafka-bootstrap", _cluster!.BootstrapServers,
            "--store", "postgres", "--postgres", connection,
            "--Sandbox:ReceiptDelay=00:00:00.010");
        using var client = node.Client();
        var acknowledged = new List<(string Address, string Id)>();
        var refused = new List<(string Address, string Key)>();

        async Task SendAsync(int n, string? key)
        {
            var address = Customer(n);
            using var response = await client.PostJsonAsync("/v1/messages", GatewayClient.SandboxText(address, "m" + n), idempotencyKey: key);
            var text = await response.Content.ReadAsStringAsync();
            switch (response.StatusCode)
            {
                case HttpStatusCode.Accepted:
                    acknowledged.Add((address, System.Text.Json.Nodes.JsonNode.Parse(text)!["id"]!.GetValue<string>()));
                    break;
                case HttpStatusCode.ServiceUnavailable:
                    Assert.True(response.Headers.RetryAfter is not null, text);
                    Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                    refused.Add((address, key!));
                    break;
                default:
                    Assert.Fail($"{(int)response.StatusCode} {text}"); // never a 500
                    break;
            }
        }

        for (var n = 0; n < 10; n++)
        {
            await SendAsync(n, "before-" + n);
        }

        _gate.Cut();
        await Eventually.HoldsAsync(async () => await ReadinessAsync(client) == (HttpStatusCode.ServiceUnavailable, "store-unreachable"), TimeSpan.FromSeconds(30), "the node to say the store is unreachable");

        // A send with an Idempotency-Key needs the store to claim the key first: refused, nothing kept.
        // One without is appended to the log: acknowledged, and its rows are written once the store is back.
        for (var n = 10; n < 30; n++)
        {
            await SendAsync(n, n % 2 == 0 ? "during-" + n : null);
        }

        Assert.NotEmpty(refused);
        using (var read = await client.GetAsync("/v1/messages/" + acknowledged[0].Id))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, read.StatusCode);
            Assert.NotNull(read.Headers.RetryAfter);
        }

        _gate.Restore();
        await Eventually.HoldsAsync(async () => (await ReadinessAsync(client)).Status == HttpStatusCode.OK, TimeSpan.FromSeconds(60), "the node to be ready again");

        var retried = refused.ToList();
        refused.Clear();
        foreach (var (address, key) in retried)
        {
            // The refusal kept nothing: the retry is a first attempt, accepted now.
            await SendAsync(int.Parse(address[^2..], System.Globalization.CultureInfo.InvariantCulture), key);
        }

        Assert.Empty(refused);

        foreach (var (address, id) in acknowledged)
        {
            await client.WaitForStatusAsync(id, "read", timeoutSeconds: 90);
        }

        foreach (var byAddress in acknowledged.GroupBy(a => a.Address))
        {
            var inbox = (await client.HandsetInboxAsync(byAddress.Key)).Select(m => m["messageId"]!.GetValue<string>()).ToList();
            Assert.Equal(byAddress.Select(a => a.Id).Order(), inbox.Order()); // each acknowledged message once, nothing else
        }
    }

    private static async Task<(HttpStatusCode Status, string? Reason)> ReadinessAsync(GatewayClient client)
    {
        using var response = await client.GetAsync("/health/ready");
        var body = await GatewayClient.ReadJsonAsync(response);
        return (response.StatusCode, body["reason"]?.GetValue<string>());
    }
}
