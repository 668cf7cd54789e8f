namespace MessagingGateway.Core.Log;

/// <summary>
/// A log record dispatch put aside because processing it failed every time, kept byte for byte
/// so that replaying it appends exactly what the client's request appended.
/// </summary>
/// <param name="Id">Names the record by its place: <c>{stream}-{partition}-{offset}</c>.</param>
/// <param name="Error">The last failure, for the operator: the exception's type and message.</param>
public sealed record QuarantinedRecord(string Id, LogPosition Position, ReadOnlyMemory<byte> Key, ReadOnlyMemory<byte> Value, int Attempts, string Error, DateTimeOffset At)
{
    public static string IdOf(LogPosition position) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{(position.Stream == LogStream.Inbound ? "in" : "out")}-{position.Partition}-{position.Offset}");
}
