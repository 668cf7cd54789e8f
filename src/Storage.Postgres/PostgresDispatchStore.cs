using MessagingGateway.Core.Store;
using MessagingGateway.Core.Webhooks;
using Npgsql;

namespace MessagingGateway.Storage.Postgres;

/// <summary>
/// Dispatch's unit of work on PostgreSQL: every row of a <see cref="DispatchWrites"/> in one
/// <see cref="NpgsqlBatch"/>: one round trip, one implicit transaction, so a unit is written
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

    public async ValueTask<IReadOnlyList<OutboxEntry>> WriteAsync(DispatchWrites writes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(writes);
        if (writes.IsEmpty)
        {
            return NoEntries;
        }

        await using var batch = _dataSource.CreateBatch();

        // Events first: their statements are the ones that answer, one row each.
        foreach (var (webhookEvent, deliverAt) in writes.Events)
        {
            PostgresWebhookStore.StagePublish(batch, webhookEvent, writes.Partition, deliverAt);
        }

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

        // A conversation is one tenant's, in one partition: one stream for all of the unit's events.
        var stream = writes.Events.Count > 0 ? _webhooks.StreamGate(writes.Events[0].Event.TenantId, writes.Partition) : null;
        if (stream is not null)
        {
            await stream.WaitAsync(cancellationToken);
        }

        try
        {
            List<OutboxEntry>? entries = null;
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
            for (var i = 0; i < writes.Events.Count; i++)
            {
                var (webhookEvent, deliverAt) = writes.Events[i];
                if (i > 0 && !await reader.NextResultAsync(cancellationToken))
                {
                    throw new InvalidOperationException("A published event's statement returned no result.");
                }

                if (await PostgresWebhookStore.ReadPublishedAsync(reader, webhookEvent, writes.Partition, deliverAt, cancellationToken) is { } entry)
                {
                    (entries ??= []).Add(entry);
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
            stream?.Release();
        }
    }
}
