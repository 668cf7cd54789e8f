using MessagingGateway.Core.Channels;
using MessagingGateway.Core.Model;
using MessagingGateway.Core.Payments;
using MessagingGateway.Core.Store;
using MessagingGateway.Storage.Postgres;
using MessagingGateway.Storage.Tests.Contracts;
using Npgsql;

namespace MessagingGateway.Storage.Tests.Postgres;

/// <summary>
/// What two gateway processes sharing one database rely on: two <see cref="PostgresStorage"/>
/// instances (two data sources, two connection pools: two "nodes") racing for the same rows.
/// Each race starts all its calls on one signal and is run for several rounds.
/// </summary>
public sealed class PostgresCrossNodeTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    private const int PerNode = 8;
    private const int Rounds = 10;
    private static readonly DateTimeOffset T0 = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private PostgresStorage? _second;

    private PostgresStorage NodeA => database.Storage;

    private PostgresStorage NodeB => _second ?? throw new InvalidOperationException("Not initialised.");

    public async Task InitializeAsync()
    {
        await database.ResetAsync();
        _second = await PostgresStorage.OpenAsync(database.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        if (_second is not null)
        {
            await _second.DisposeAsync();
        }
    }

    [Fact]
    public async Task Of_claims_of_one_idempotency_key_from_both_nodes_exactly_one_is_applied()
    {
        for (var round = 0; round < Rounds; round++)
        {
            var key = "race-" + round;
            var now = DateTimeOffset.UtcNow; // the nodes' stores judge expiry by the system clock
            var results = await FromBothNodesAsync(async (node, i) =>
                (Hash: (byte)i, Holder: await node.Store.ClaimIdempotencyAsync(new IdempotencyRecord("t", key, "send", [(byte)i], now, [Guid.NewGuid()]))));

            var winner = Assert.Single(results, r => r.Holder is null);
            Assert.All(results.Where(r => r.Holder is not null), r => Assert.Equal([winner.Hash], r.Holder!.RequestHash));
            Assert.Equal([winner.Hash], (await NodeB.Store.GetIdempotencyAsync("t", key))!.RequestHash);
        }
    }

    [Fact]
    public async Task Of_claims_over_an_expired_record_from_both_nodes_exactly_one_is_applied()
    {
        var clock = new ManualClock(T0);
        var stores = new[] { new PostgresConversationStore(NodeA.DataSource, TimeSpan.FromHours(24), clock), new PostgresConversationStore(NodeB.DataSource, TimeSpan.FromHours(24), clock) };
        for (var round = 0; round < Rounds; round++)
        {
            var key = "expired-" + round;
            clock.Now = T0;
            Assert.Null(await stores[0].ClaimIdempotencyAsync(new IdempotencyRecord("t", key, "send", [255], T0, [Guid.NewGuid()])));
            clock.Now = T0.AddHours(25);

            var results = await AllAtOnceAsync(2 * PerNode, async i =>
                (Hash: (byte)i, Holder: await stores[i % 2].ClaimIdempotencyAsync(new IdempotencyRecord("t", key, "send", [(byte)i], clock.Now, [Guid.NewGuid()]))));

            var winner = Assert.Single(results, r => r.Holder is null);
            Assert.All(results.Where(r => r.Holder is not null), r => Assert.Equal([winner.Hash], r.Holder!.RequestHash));
        }
    }

    [Fact]
    public async Task Sweeps_from_both_nodes_delete_each_expired_record_once()
    {
        var clock = new ManualClock(T0);
        var stores = new[] { new PostgresConversationStore(NodeA.DataSource, TimeSpan.FromHours(24), clock), new PostgresConversationStore(NodeB.DataSource, TimeSpan.FromHours(24), clock) };
        for (var i = 0; i < 200; i++)
        {
            await stores[0].PutIdempotencyAsync(new IdempotencyRecord("t", "k" + i, "send", [1], T0.AddSeconds(i), [Guid.NewGuid()]));
        }

        clock.Now = T0.AddDays(2);
        var swept = await AllAtOnceAsync(2 * PerNode, i => stores[i % 2].RemoveExpiredIdempotencyAsync(limit: 20));

        Assert.Equal(200, swept.Sum() + await SweepAllAsync(stores[1])); // SKIP LOCKED: a sweep may pass over rows another one holds
        Assert.Equal(0, await stores[0].RemoveExpiredIdempotencyAsync());
    }

    [Fact]
    public async Task Of_compare_and_sets_of_one_payment_version_from_both_nodes_exactly_one_wins()
    {
        var payment = Payment("pay_race");
        Assert.True(await NodeA.Payments.InsertPaymentAsync(payment));
        for (var version = 1L; version <= Rounds; version++)
        {
            var expected = version;
            var results = await FromBothNodesAsync(async (node, i) =>
                (Refunded: (long)i, Won: await node.Payments.TryUpdatePaymentAsync(payment with { RefundedMinor = i, Version = expected + 1 }, expected)));

            var winner = Assert.Single(results, r => r.Won);
            var stored = await NodeB.Payments.GetPaymentAsync("pay_race");
            Assert.Equal((expected + 1, winner.Refunded), (stored!.Version, stored.RefundedMinor));
        }
    }

    [Fact]
    public async Task Of_tenants_putting_one_channel_account_id_from_both_nodes_exactly_one_gets_it()
    {
        for (var round = 0; round < Rounds; round++)
        {
            var accountId = "pn-" + round;
            var results = await FromBothNodesAsync(async (node, i) =>
                (Tenant: "t" + i, Won: await node.ChannelAccounts.PutAsync(Account("t" + i, accountId, Sender(round, i)))));

            var winner = Assert.Single(results, r => r.Won);
            Assert.Equal(winner.Tenant, (await NodeB.ChannelAccounts.GetAsync(Channel.WhatsApp, accountId))!.TenantId);
            for (var i = 0; i < results.Length; i++)
            {
                Assert.Equal(results[i].Won, await NodeA.ChannelAccounts.FindBySenderAsync(results[i].Tenant, Channel.WhatsApp, Sender(round, i)) is not null);
            }
        }
    }

    [Fact]
    public async Task A_handset_delivery_from_both_nodes_is_stored_once()
    {
        for (var round = 0; round < Rounds; round++)
        {
            var message = new HandsetMessage("+31611111111", Guid.NewGuid(), "t1", "cnv-1", Channel.Sandbox, "+31600000000", new MessageContent { Type = "text", Text = "hi" }, T0, 3);

            var received = await FromBothNodesAsync((node, _) => node.Handsets.ReceiveAsync(message).AsTask());

            Assert.Single(received, r => r);
        }

        Assert.Equal(Rounds, (await NodeB.Handsets.ReadAsync("t1", "+31611111111")).Count);
    }

    [Fact]
    public async Task Orphan_receipts_taken_from_both_nodes_are_each_taken_once()
    {
        var messageId = Guid.NewGuid();
        foreach (var status in new[] { MessageStatus.Sent, MessageStatus.Delivered, MessageStatus.Read })
        {
            await NodeA.Ledger.RecordOrphanAsync(new StatusReceipt(messageId, "t1", "cnv-1", status, T0));
        }

        var taken = await FromBothNodesAsync((node, _) => node.Ledger.TakeOrphansAsync(messageId).AsTask());

        Assert.Equal([MessageStatus.Sent, MessageStatus.Delivered, MessageStatus.Read], taken.SelectMany(t => t).Select(r => r.Status).Order());
    }

    [Fact]
    public async Task Of_hand_overs_of_one_message_from_both_nodes_the_record_is_one_of_them_and_every_provider_id_finds_the_message()
    {
        var messageId = Guid.NewGuid();
        var written = await FromBothNodesAsync(async (node, i) =>
        {
            var handoff = new ChannelHandoff(messageId, T0.AddSeconds(i), "prov-" + i);
            await node.Ledger.PutHandoffAsync(handoff);
            return handoff;
        });

        var kept = await NodeB.Ledger.GetHandoffAsync(messageId);
        Assert.Contains(kept, written);
        Assert.Equal(kept, await NodeA.Ledger.GetHandoffAsync(messageId)); // one record, not one per node
        foreach (var handoff in written)
        {
            Assert.Equal(messageId, await NodeA.Ledger.FindByProviderIdAsync(handoff.ProviderMessageId!));
        }
    }

    [Fact]
    public async Task Migrations_started_on_two_nodes_at_once_are_applied_once()
    {
        var connectionString = await database.CreateDatabaseAsync();
        var logs = new[] { new CapturedEvents(), new CapturedEvents() };

        // Hold the migration lock so that both nodes are surely waiting for it at the same time.
        await using var holder = new NpgsqlConnection(connectionString);
        await holder.OpenAsync();
        await ExecuteAsync(holder, "SELECT pg_advisory_lock($1)");
        var opening = logs.Select(log => PostgresStorage.OpenAsync(connectionString, loggerFactory: log)).ToArray();
        await WaitForAsync(holder, "SELECT count(*) = 2 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())");
        await ExecuteAsync(holder, "SELECT pg_advisory_unlock($1)");

        var nodes = await Task.WhenAll(opening);
        try
        {
            Assert.Equal([[], PostgresSchema.KnownVersions], nodes.Select(n => n.AppliedMigrations).OrderBy(a => a.Count));
            Assert.All(logs, log => Assert.Equal(1, log.Count(5002))); // both waited
            Assert.Equal(PostgresSchema.KnownVersions.Count, logs.Sum(log => log.Count(5001)));
            await using var count = holder.CreateCommand();
            count.CommandText = "SELECT count(*) FROM schema_migrations";
            Assert.Equal((long)PostgresSchema.KnownVersions.Count, await count.ExecuteScalarAsync());

            // Both work on the one schema.
            Assert.True(await nodes[0].Payments.InsertPaymentAsync(Payment("pay_1")));
            Assert.False(await nodes[1].Payments.InsertPaymentAsync(Payment("pay_1")));
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
        }

        await using var third = await PostgresStorage.OpenAsync(connectionString);
        Assert.Empty(third.AppliedMigrations);
    }

    /// <summary>Runs <see cref="PerNode"/> calls on each node, all started by one signal.</summary>
    private Task<T[]> FromBothNodesAsync<T>(Func<PostgresStorage, int, Task<T>> call) =>
        AllAtOnceAsync(2 * PerNode, i => call(i % 2 == 0 ? NodeA : NodeB, i));

    private static Task<T[]> AllAtOnceAsync<T>(int count, Func<int, Task<T>> call) => AllAtOnce.RunAsync(count, call);

    private static async Task<int> SweepAllAsync(PostgresConversationStore store)
    {
        var total = 0;
        int swept;
        while ((swept = await store.RemoveExpiredIdempotencyAsync(limit: 50)) > 0)
        {
            total += swept;
        }

        return total;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = PostgresSchema.MigrationLockKey });
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Waits until a condition on the server holds (at most 30 s).</summary>
    private static async Task WaitForAsync(NpgsqlConnection connection, string condition)
    {
        await using var command = new NpgsqlCommand(condition, connection);
        await Eventually.HoldsAsync(async () => (bool)(await command.ExecuteScalarAsync())!, TimeSpan.FromSeconds(30), condition);
    }

    private static PaymentRecord Payment(string id) =>
        new(id, "tenant", "cnv-a", "mollie", null, "paid", "EUR", 10_000, 0, "Order", null, Guid.Empty, T0, null, T0, T0, 1);

    private static string Sender(int round, int i) => $"+316{round:D3}{i:D3}";

    private static ChannelAccount Account(string tenant, string accountId, string sender) =>
        new(tenant, Channel.WhatsApp, accountId, sender, new Dictionary<string, string> { ["accessToken"] = "secret" }, T0);
}
