namespace MessagingGateway.Core.Log;

/// <summary>Where a record was written: its partition and offset within that partition.</summary>
public readonly record struct LogPosition(int Partition, long Offset, LogStream Stream = LogStream.Outbound);
