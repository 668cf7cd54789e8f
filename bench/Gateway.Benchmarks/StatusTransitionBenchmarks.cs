using BenchmarkDotNet.Attributes;
using MessagingGateway.Core.Model;

namespace MessagingGateway.Gateway.Benchmarks;

/// <summary>
/// Guards the status machine (<see cref="StatusProgress"/>): every receipt and every hand-over
/// computes the current status from the history and asks whether the new one moves it forward.
/// Each message gets three receipts, so this runs about four times per message.
/// </summary>
[MemoryDiagnoser]
public class StatusTransitionBenchmarks
{
    private static readonly DateTimeOffset Accepted = new(2026, 11, 23, 9, 30, 0, TimeSpan.Zero);

    // A message handed over and reported sent, as the delivered receipt finds it.
    private List<StatusChange> _sentHistory = [];

    // The sandbox's ReverseReceipts order: read, delivered and sent arrive last-first.
    private List<StatusChange> _reversedHistory = [];

    [GlobalSetup]
    public void Setup()
    {
        _sentHistory =
        [
            new(MessageStatus.Accepted, Accepted, 1),
            new(MessageStatus.Queued, Accepted.AddMilliseconds(5), 2),
            new(MessageStatus.Sent, Accepted.AddMilliseconds(150), 3),
        ];
        _reversedHistory =
        [
            new(MessageStatus.Accepted, Accepted, 1),
            new(MessageStatus.Queued, Accepted.AddMilliseconds(5), 2),
            new(MessageStatus.Read, Accepted.AddMilliseconds(450), 3),
            new(MessageStatus.Delivered, Accepted.AddMilliseconds(300), 4),
            new(MessageStatus.Sent, Accepted.AddMilliseconds(150), 5),
        ];
    }

    /// <summary>The common case: a delivered receipt after sent advances the message.</summary>
    [Benchmark]
    public bool ApplyDeliveredAfterSent() =>
        StatusProgress.Advances(StatusProgress.Current(_sentHistory).Status, MessageStatus.Delivered);

    /// <summary>Late receipts: the history holds statuses that did not advance, and read stays current.</summary>
    [Benchmark]
    public MessageStatus CurrentOfReversedReceipts() => StatusProgress.Current(_reversedHistory).Status;
}
