using System.Text.Json.Serialization;

namespace MessagingGateway.Core.Webhooks;

/// <summary>
/// One event for a tenant. <see cref="Id"/> is derived from what happened (message and status
/// sequence), so processing a record twice yields the same event, which is stored once.
/// <see cref="Partition"/> is the log partition of its conversation, and <see cref="Seq"/> its
/// place in the tenant's stream of that partition: the partition's owner numbers them, so
/// dispatch nodes never share a counter, and a conversation's events keep their order.
/// <see cref="Body"/> is the JSON delivered, exactly as signed. A status event made from its
/// <see cref="Status"/> facts computes its id and body when first asked: most are stored and
/// never delivered one by one, and the hash and JSON are a large part of dispatching a receipt.
/// </summary>
public sealed record WebhookEvent
{
    private string? _id;
    private byte[]? _body;

    [JsonConstructor]
    public WebhookEvent(string Id, string Type, string TenantId, string ConversationId, DateTimeOffset CreatedAt, byte[] Body, long Seq = 0, int Partition = 0)
    {
        _id = Id;
        this.Type = Type;
        this.TenantId = TenantId;
        this.ConversationId = ConversationId;
        this.CreatedAt = CreatedAt;
        _body = Body;
        this.Seq = Seq;
        this.Partition = Partition;
    }

    private WebhookEvent(StatusEvent status, string tenantId, string conversationId, long seq, int partition)
    {
        Status = status;
        Type = StatusEvent.Type;
        TenantId = tenantId;
        ConversationId = conversationId;
        CreatedAt = status.At;
        Seq = seq;
        Partition = partition;
    }

    /// <summary>A <c>message.status</c> event; its id and body are made when first read.</summary>
    public static WebhookEvent OfStatus(StatusEvent status, string tenantId, string conversationId, long seq = 0, int partition = 0)
    {
        ArgumentNullException.ThrowIfNull(status);
        return new(status, tenantId, conversationId, seq, partition);
    }

    // Two threads asking at once both compute the same value; either may be kept.
    public string Id => _id ??= Status!.Id();

    public string Type { get; }

    public string TenantId { get; }

    public string ConversationId { get; }

    public DateTimeOffset CreatedAt { get; }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1819:Properties should not return arrays", Justification = "The body is handed to sockets and signers as is.")]
    public byte[] Body => _body ??= Status!.Body(Id, ConversationId);

    public long Seq { get; init; }

    public int Partition { get; init; }

    /// <summary>What a status event says, when it was made from that (its row stores only this).</summary>
    [JsonIgnore]
    public StatusEvent? Status { get; }
}
