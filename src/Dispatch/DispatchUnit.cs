using MessagingGateway.Core.Channels;
using MessagingGateway.Core.Store;

namespace MessagingGateway.Dispatch;

/// <summary>
/// Where one conversation lane's records write: its share of the consumer batch's unit of work
/// (<see cref="DispatchBatch"/>) while it is a member, its own unit per record once it is not.
/// It also answers what the lane wrote and the store may not hold yet (read-your-writes inside
/// the batch): a message's latest status history, the conversation's counts, a hand-over.
/// </summary>
internal sealed class DispatchUnit(Func<IReadOnlyList<DispatchWrites>, CancellationToken, ValueTask> write, DispatchBatch? batch)
{
    private DispatchBatch? _batch = batch;
    private Dictionary<Guid, StoredMessage>? _messages;
    private Dictionary<Guid, ChannelHandoff>? _handoffs;
    private string? _statsOf;
    private ConversationStats? _stats;

    public bool IsBatched => _batch is not null;

    /// <summary>Called when everything the lane handed to the batch so far is written.</summary>
    public Action? Written { get; set; }

    public StoredMessage? Find(Guid messageId) => _messages is not null && _messages.TryGetValue(messageId, out var message) ? message : null;

    public void Remember(StoredMessage message) => (_messages ??= [])[message.Message.Id] = message;

    public ChannelHandoff? HandoffOf(Guid messageId) => _handoffs is not null && _handoffs.TryGetValue(messageId, out var handoff) ? handoff : null;

    public void Remember(ChannelHandoff handoff) => (_handoffs ??= [])[handoff.MessageId] = handoff;

    public ConversationStats? StatsOf(string conversationId) => _statsOf == conversationId ? _stats : null;

    public void Placed(string conversationId, ConversationStats stats)
    {
        _statsOf = conversationId;
        _stats = stats;
    }

    /// <summary>Drops what it remembers of the lane's writes: after a failed write the store is what counts.</summary>
    public void Forget()
    {
        _messages = null;
        _handoffs = null;
        _statsOf = null;
    }

    /// <summary>Makes everything written so far durable before it returns: nothing leaves for a channel first.</summary>
    public async ValueTask FlushAsync(DispatchWrites writes, CancellationToken cancellationToken)
    {
        if (_batch is { } member)
        {
            member.Add(this, writes);
            await member.ArriveAsync();
            Written?.Invoke();
        }
        else if (!writes.IsEmpty)
        {
            await write([writes], cancellationToken);
        }
    }

    /// <summary>The end of a record: a member hands its rows to the batch; on its own, they are written now.</summary>
    public ValueTask CompleteAsync(DispatchWrites writes, CancellationToken cancellationToken)
    {
        if (_batch is { } member)
        {
            member.Add(this, writes);
            return ValueTask.CompletedTask;
        }

        return writes.IsEmpty ? ValueTask.CompletedTask : write([writes], cancellationToken);
    }

    /// <summary>
    /// Stops being a member once what it handed over is written (so its rows keep their order);
    /// from then on each record writes its own unit. A failed write leaves it a member, for the
    /// lane to take its records back through <see cref="AbandonBatchAsync"/>.
    /// </summary>
    public async ValueTask LeaveBatchAsync()
    {
        if (_batch is not { } member)
        {
            return;
        }

        await member.ArriveAsync();
        _batch = null;
        Written?.Invoke();
        await LeaveAsync(member);
    }

    /// <summary>Stops being a member without waiting: what it handed over and is not written is taken back, and forgotten here.</summary>
    public async ValueTask AbandonBatchAsync()
    {
        Forget();
        if (_batch is not { } member)
        {
            return;
        }

        _batch = null;
        member.Withdraw(this);
        await LeaveAsync(member);
    }

    private static async ValueTask LeaveAsync(DispatchBatch member)
    {
        try
        {
            await member.LeaveAsync();
        }
        catch (Exception)
        {
            // Leaving made the others' write, and it failed: they were waiting for it, and each
            // processes its records again. Nothing of this lane was in it.
        }
    }
}
