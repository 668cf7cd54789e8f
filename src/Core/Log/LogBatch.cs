namespace MessagingGateway.Core.Log;

/// <summary>Consecutive records of one partition, in offset order.</summary>
public sealed record LogBatch(int Partition, IReadOnlyList<LogEntry> Entries)
{
    /// <summary>The offset to commit once every entry of this batch is processed.</summary>
    public long NextOffset => Entries.Count == 0 ? 0 : Entries[^1].Position.Offset + 1;
}
