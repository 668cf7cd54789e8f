namespace MessagingGateway.Core.Log;

/// <summary>A record read back from the log, with its position and append time.</summary>
public sealed record LogEntry(LogPosition Position, DateTimeOffset AppendedAt, ReadOnlyMemory<byte> Key, ReadOnlyMemory<byte> Value);
