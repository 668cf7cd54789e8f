namespace MessagingGateway.Core.Log;

/// <summary>
/// Reads the log as a member of a consumer group. Positions are committed by the caller after
/// processing, so a crash replays from the last commit (at-least-once).
/// </summary>
public interface ILogConsumer : IAsyncDisposable
{
    /// <summary>Waits for the next batch of records of one assigned partition.</summary>
    ValueTask<LogBatch> ConsumeAsync(CancellationToken cancellationToken);

    /// <summary>Records that everything below <paramref name="nextOffset"/> in the partition is processed.</summary>
    ValueTask CommitAsync(int partition, long nextOffset, LogStream stream = LogStream.Outbound, CancellationToken cancellationToken = default);

    /// <summary>True when no assigned partition has records past what this consumer has read.</summary>
    bool IsCaughtUp { get; }
}
