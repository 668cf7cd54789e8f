using MessagingGateway.Core.Store;
using MessagingGateway.Core.Webhooks;
using Npgsql;

namespace MessagingGateway.Storage.Postgres;

/// <summary>
/// Dispatch's unit of work on PostgreSQL: every row of a consumer batch's <see cref="DispatchWrites"/> in one
/// <see cref="NpgsqlBatch"/>: one round trip, one implicit transaction, so the batch is written
/// whole or not at all. Its events are numbered inside that transaction; lanes of one node that
/// publish into the same (tenant, partition) stream take turns, so they do not collide on a number.
/// </summary>
public sealed class PostgresDispatchStore : IDispatchStore
{
    private static readonly IReadOnlyList<OutboxEntry> NoEntries = [];

    private readonly NpgsqlDataSource _dataSource;
    private readonly PostgresWebhookStore _webhooks;

    /// <param name="webhooks">The webhook store of the same node, whose turns into event streams its units share.</param>
    public PostgresDispatchStore(NpgsqlDataSource dataSource, PostgresWebhookStore webhooks)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(webhooks);
        _dataSource = dataSource;
        _webhooks = webhooks;
    }

    public async ValueTask<IReadOnlyList<OutboxEntry>> WriteAsync(IReadOnlyList<DispatchWrites> units, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(units);
        var empty = true;
        foreach (var writes in units)
        {
            empty &= writes.IsEmpty;
        }

        if (empty)
        {
            return NoEntries;
        }

        await using var batch = _dataSource.CreateBatch();

        // Events first: their statements are the ones that answer, one row each. Within the
        // transaction a second statement for the same event id sees the first and stores nothing.
        foreach (var writes in units)
        {
            foreach (var (webhookEvent, deliverAt) in writes.Events)
            {
                PostgresWebhookStore.StagePublish(batch, webhookEvent, writes.Partition, deliverAt);
            }
        }

        foreach (var writes in units)
        {
            if (writes.Accepted.Count > 0)
            {
                PostgresConversationStore.StageAccepted(batch, writes.Accepted);
            }

            foreach (var append in writes.Timeline)
            {
                PostgresConversationStore.StageTimeline(batch, append);
            }

            foreach (var (messageId, change) in writes.Statuses)
            {
                PostgresConversationStore.StageStatus(batch, messageId, change);
            }

            foreach (var handoff in writes.Handoffs)
            {
                PostgresDeliveryLedger.StageHandoff(batch, handoff);
            }
        }

        // Turns into every stream the units publish to, always taken in the same order.
        var streams = EventStreams.Of(units);
        var held = 0;
        try
        {
            for (; held < streams.Count; held++)
            {
                await _webhooks.StreamGate(streams[held].TenantId, streams[held].Partition).WaitAsync(cancellationToken);
            }

            List<OutboxEntry>? entries = null;
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
            var first = true;
            foreach (var writes in units)
            {
                foreach (var (webhookEvent, deliverAt) in writes.Events)
                {
                    if (!first && !await reader.NextResultAsync(cancellationToken))
                    {
                        throw new InvalidOperationException("A published event's statement returned no result.");
                    }

                    first = false;
                    if (await PostgresWebhookStore.ReadPublishedAsync(reader, webhookEvent, writes.Partition, deliverAt, cancellationToken) is { } entry)
                    {
                        (entries ??= []).Add(entry);
                    }
                }
            }

            // The rest have no rows; reading through them surfaces a failure of any statement.
            while (await reader.NextResultAsync(cancellationToken))
            {
            }

            return entries is null ? NoEntries : entries;
        }
        finally
        {
            for (var i = held - 1; i >= 0; i--)
            {
                _webhooks.StreamGate(streams[i].TenantId, streams[i].Partition).Release();
            }
        }
    }
}
