namespace MessagingGateway.Core.Model;

/// <summary>
/// The one rule of the status machine: <c>accepted → queued → sent → delivered → read</c>, or
/// <c>failed</c> from any state that is not final. Read and failed are final; nothing moves back.
/// </summary>
public static class StatusProgress
{
    public static bool IsFinal(MessageStatus status) => status is MessageStatus.Read or MessageStatus.Failed;

    /// <summary>Whether <paramref name="next"/> becomes the current status after <paramref name="current"/>.</summary>
    public static bool Advances(MessageStatus current, MessageStatus next) =>
        !IsFinal(current) && (next == MessageStatus.Failed || next > current);

    /// <summary>The current status after the history (in sequence order) up to and including <paramref name="uptoSeq"/>.</summary>
    public static StatusChange Current(IReadOnlyList<StatusChange> history, int uptoSeq = int.MaxValue)
    {
        StatusChange? current = null;
        foreach (var change in history)
        {
            if (change.Seq <= uptoSeq && (current is null || Advances(current.Status, change.Status)))
            {
                current = change;
            }
        }

        return current ?? throw new InvalidOperationException("A message always has a status.");
    }
}
