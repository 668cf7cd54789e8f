namespace MessagingGateway.Core.Log;

/// <summary>A record to append: the key picks the partition (conversation id), the value is opaque.</summary>
public readonly record struct LogRecord(ReadOnlyMemory<byte> Key, ReadOnlyMemory<byte> Value, LogStream Stream = LogStream.Outbound);
