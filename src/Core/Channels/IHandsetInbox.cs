namespace MessagingGateway.Core.Channels;

/// <summary>The sandbox handsets' inboxes: what each simulated phone received, once per message id.</summary>
public interface IHandsetInbox
{
    /// <summary>Stores the message unless the handset has it already; false for a duplicate.</summary>
    ValueTask<bool> ReceiveAsync(HandsetMessage message, CancellationToken cancellationToken = default);

    /// <summary>Records how many receipts each message is still owed (counted down), in one write; a message the handset never received is not listed by the reads.</summary>
    ValueTask UpdateAsync(IReadOnlyList<HandsetMessage> messages, CancellationToken cancellationToken = default);

    /// <summary>
    /// What the tenant's handset at <paramref name="address"/> received, in arrival order. Handsets
    /// belong to a tenant: the same number messaged by two tenants is two handsets.
    /// </summary>
    ValueTask<IReadOnlyList<HandsetMessage>> ReadAsync(string tenantId, string address, CancellationToken cancellationToken = default);

    /// <summary>Messages whose receipts are not all reported yet (resumed after a restart).</summary>
    ValueTask<IReadOnlyList<HandsetMessage>> ReadAwaitingReceiptsAsync(CancellationToken cancellationToken = default);
}
