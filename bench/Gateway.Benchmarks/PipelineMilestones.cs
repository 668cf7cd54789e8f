using System.Diagnostics.Metrics;
using MessagingGateway.Core.Diagnostics;
using MessagingGateway.Core.Model;

namespace MessagingGateway.Gateway.Benchmarks;

/// <summary>
/// Counts, as they happen, the milestones of outbound messages from the gateway's own counters:
/// a hand-over (<see cref="GatewayMetrics.MessagesHandedOver"/>, added right after the sandbox
/// handset stored the message) and a recorded read status (<see cref="GatewayMetrics.StatusChanges"/>
/// tagged <c>status=read</c>, the last receipt). Waiting on them costs nothing while the gateway
/// works, unlike polling handset inboxes over HTTP, which would compete for the same two cores.
/// </summary>
internal sealed class PipelineMilestones : IDisposable
{
    private static readonly string Read = StatusNames.Of(MessageStatus.Read);

    private readonly MeterListener _listener = new();
    private readonly Milestone _handedOver = new("reached a handset");
    private readonly Milestone _read = new("were reported read");

    public PipelineMilestones()
    {
        // Create the gateway's instruments first: one published while GatewayMetrics is still being
        // initialised would be compared with a field that is not assigned yet, and never be enabled.
        var handedOver = GatewayMetrics.MessagesHandedOver;
        var statusChanges = GatewayMetrics.StatusChanges;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument, handedOver) || ReferenceEquals(instrument, statusChanges))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, measurement, tags, _) =>
        {
            if (ReferenceEquals(instrument, handedOver))
            {
                _handedOver.Add(measurement);
            }
            else if (IsRead(tags))
            {
                _read.Add(measurement);
            }
        });
        _listener.Start();
    }

    /// <summary>Completes once <paramref name="total"/> messages have reached their handset since this started.</summary>
    public Task WaitForHandedOverAsync(long total, TimeSpan timeout) => _handedOver.WaitForAsync(total, timeout);

    /// <summary>Completes once <paramref name="total"/> messages have their read status recorded since this started.</summary>
    public Task WaitForReadAsync(long total, TimeSpan timeout) => _read.WaitForAsync(total, timeout);

    public void Dispose() => _listener.Dispose();

    private static bool IsRead(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == "status")
            {
                return Read.Equals(tag.Value as string, StringComparison.Ordinal);
            }
        }

        return false;
    }

    private sealed class Milestone(string reached)
    {
        private long _count;
        private Waiter? _waiter;

        public void Add(long measurement)
        {
            var count = Interlocked.Add(ref _count, measurement);
            if (Volatile.Read(ref _waiter) is { } waiter && count >= waiter.Total)
            {
                waiter.Reached.TrySetResult();
            }
        }

        public async Task WaitForAsync(long total, TimeSpan timeout)
        {
            var waiter = new Waiter(total);
            Volatile.Write(ref _waiter, waiter);
            if (Interlocked.Read(ref _count) >= total)
            {
                waiter.Reached.TrySetResult();
            }

            try
            {
                await waiter.Reached.Task.WaitAsync(timeout);
            }
            catch (TimeoutException)
            {
                throw new TimeoutException($"Only {Interlocked.Read(ref _count)} of {total} messages {reached} within {timeout.TotalSeconds} s.");
            }
        }
    }

    private sealed class Waiter(long total)
    {
        public long Total { get; } = total;

        // Completed on a dispatcher thread: the benchmark continues elsewhere, not inside the gateway's lane.
        public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
