using MessagingGateway.Core.Channels;
using MessagingGateway.Core.Model;
using MessagingGateway.Core.Store;
using MessagingGateway.Storage.Postgres;
using MessagingGateway.Storage.Tests.Contracts;
using Npgsql;

namespace MessagingGateway.Storage.Tests.Postgres;

/// <summary>
/// The statements the stores stage into a caller's batch (what a dispatch store sends as one unit of
/// work): together they are one round trip and one transaction, all visible after it or none.
/// </summary>
public sealed class PostgresStagingTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    public Task InitializeAsync() => database.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_unit_of_work_staged_into_one_batch_is_written_whole()
    {
        var message = Message("cnv-a");
        await using (var batch = database.DataSource.CreateBatch())
        {
            PostgresConversationStore.StageAccepted(batch, [message]);
            PostgresConversationStore.StageTimeline(batch, new TimelineAppend(message, 1, new ConversationStats(1, 1, 0, T0)));
            PostgresConversationStore.StageStatus(batch, message.Id, new StatusChange(MessageStatus.Queued, T0.AddSeconds(1), 2));
            PostgresDeliveryLedger.StageHandoff(batch, new ChannelHandoff(message.Id, T0.AddSeconds(2), "wamid.1"));
            PostgresConversationStore.StageStatus(batch, message.Id, new StatusChange(MessageStatus.Sent, T0.AddSeconds(2), 3));
            await batch.ExecuteNonQueryAsync();
        }

        var stored = await database.Storage.Store.GetMessageAsync(message.Id);
        Assert.Equal([MessageStatus.Accepted, MessageStatus.Queued, MessageStatus.Sent], stored!.StatusHistory.Select(s => s.Status));
        Assert.Equal(1, stored.ConversationSeq);
        Assert.Equal(T0, (await database.Storage.Store.GetConversationAsync("cnv-a"))!.OpenedAt);
        Assert.Equal(1, (await database.Storage.Store.GetConversationStatsAsync("cnv-a")).LastSeq);
        Assert.Equal(message.Id, await database.Storage.Ledger.FindByProviderIdAsync("wamid.1"));
    }

    [Fact]
    public async Task A_unit_of_work_with_a_failing_statement_writes_nothing()
    {
        var message = Message("cnv-a");
        await using (var batch = database.DataSource.CreateBatch())
        {
            PostgresConversationStore.StageAccepted(batch, [message]);
            PostgresConversationStore.StageTimeline(batch, new TimelineAppend(message, 1, new ConversationStats(1, 1, 0, T0)));
            PostgresDeliveryLedger.StageHandoff(batch, new ChannelHandoff(message.Id, T0, "wamid.1"));
            batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT 1 / 0"));
            await Assert.ThrowsAsync<PostgresException>(() => batch.ExecuteNonQueryAsync());
        }

        Assert.Null(await database.Storage.Store.GetMessageAsync(message.Id));
        Assert.Empty(await database.Storage.Store.ReadTimelineAsync("cnv-a", 0, 10));
        Assert.Null(await database.Storage.Store.GetConversationAsync("cnv-a"));
        Assert.Null(await database.Storage.Ledger.GetHandoffAsync(message.Id));
    }

    private static Message Message(string conversationId) => TestMessages.Outbound(conversationId, T0);
}
