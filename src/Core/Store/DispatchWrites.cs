using MessagingGateway.Core.Channels;
using MessagingGateway.Core.Model;
using MessagingGateway.Core.Webhooks;

namespace MessagingGateway.Core.Store;

/// <summary>
/// The rows one step of dispatch decided on (timeline places, status changes, hand-overs, events
/// and their outbox entries), collected so that <see cref="IDispatchStore"/> writes them as one
/// unit of work instead of one write each. Not thread-safe: one conversation lane fills it.
/// </summary>
/// <param name="partition">The log partition of the record being processed: its events are numbered in that partition's stream.</param>
public sealed class DispatchWrites(int partition)
{
    private readonly List<Message> _accepted = [];
    private readonly List<TimelineAppend> _timeline = [];
    private readonly List<(Guid MessageId, StatusChange Change)> _statuses = [];
    private readonly List<ChannelHandoff> _handoffs = [];
    private readonly List<PendingEvent> _events = [];

    public int Partition => partition;

    /// <summary>Messages whose rows the accepting process did not write (it stopped after the append).</summary>
    public IReadOnlyList<Message> Accepted => _accepted;

    public IReadOnlyList<TimelineAppend> Timeline => _timeline;

    public IReadOnlyList<(Guid MessageId, StatusChange Change)> Statuses => _statuses;

    public IReadOnlyList<ChannelHandoff> Handoffs => _handoffs;

    /// <summary>Events to store unless stored before (same id); the store gives each its sequence in <see cref="Partition"/>.</summary>
    public IReadOnlyList<PendingEvent> Events => _events;

    public bool IsEmpty => _accepted.Count == 0 && _timeline.Count == 0 && _statuses.Count == 0 && _handoffs.Count == 0 && _events.Count == 0;

    public void PutAccepted(Message message) => _accepted.Add(message);

    public void AppendToTimeline(TimelineAppend append) => _timeline.Add(append);

    public void AppendStatus(Guid messageId, StatusChange change) => _statuses.Add((messageId, change));

    /// <summary>A hand-over: the store makes it durable before the write completes, so a replay never sends again.</summary>
    public void PutHandoff(ChannelHandoff handoff) => _handoffs.Add(handoff);

    /// <summary>An event that may have been stored before (a replay making sure of it): stored unless it was.</summary>
    public void Publish(WebhookEvent webhookEvent, DateTimeOffset deliverAt) => _events.Add(new(webhookEvent, deliverAt, IsNew: false));

    /// <summary>The event of a status change appended to this unit: new, as the change is.</summary>
    public void PublishNew(WebhookEvent webhookEvent, DateTimeOffset deliverAt) => _events.Add(new(webhookEvent, deliverAt, IsNew: true));

    public void Clear()
    {
        _accepted.Clear();
        _timeline.Clear();
        _statuses.Clear();
        _handoffs.Clear();
        _events.Clear();
    }
}
