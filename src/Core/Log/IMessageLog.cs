namespace MessagingGateway.Core.Log;

/// <summary>
/// The partitioned, durable, ordered log every message goes through (Kafka semantics).
/// An append completes only once the record is durable; records of one key keep their order.
/// </summary>
public interface IMessageLog : IAsyncDisposable
{
    int PartitionCount { get; }

    /// <summary>Appends one record; completes when it is durable.</summary>
    ValueTask<LogPosition> AppendAsync(LogRecord record, CancellationToken cancellationToken = default);

    /// <summary>Appends several records in one durable write; their positions land in <paramref name="positions"/>.</summary>
    ValueTask AppendManyAsync(ReadOnlyMemory<LogRecord> records, Memory<LogPosition> positions, CancellationToken cancellationToken = default);

    /// <summary>
    /// A consumer in <paramref name="group"/> that starts at the group's committed positions and
    /// reports the partitions it is given (and loses) to <paramref name="assignment"/>.
    /// </summary>
    ILogConsumer CreateConsumer(string group, IPartitionAssignment? assignment = null);
}
