namespace MessagingGateway.Storage.RocksDb;

/// <summary>Settings of the embedded log.</summary>
public sealed record EmbeddedLogOptions
{
    /// <summary>Number of partitions; fixed once data exists, because it decides where a key lives.</summary>
    public int PartitionCount { get; init; } = 16;

    /// <summary>At most this many records share one synced write.</summary>
    public int MaxGroupCommitRecords { get; init; } = 8192;

    /// <summary>How often records below every group's committed position are deleted.</summary>
    public TimeSpan RetentionInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>At most this many records are handed to a consumer at once.</summary>
    public int MaxConsumeBatch { get; init; } = 512;
}
