namespace MessagingGateway.Dispatch;

/// <summary>Settings of the dispatcher (section <c>Dispatch</c>).</summary>
public sealed class DispatchOptions
{
    /// <summary>First wait after a transient channel failure; doubles per attempt, with jitter.</summary>
    public TimeSpan SendRetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan SendRetryMaxDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Attempts before a transiently failing message ends as <c>failed</c> (<c>retries_exhausted</c>).</summary>
    public int MaxSendAttempts { get; set; } = 12;

    /// <summary>
    /// Attempts at a record that keeps failing (the store refusing it, a bug) before it is put in
    /// quarantine so its partition can move on; only while other records succeed, so an outage of
    /// the store quarantines nothing.
    /// </summary>
    public int MaxProcessingAttempts { get; set; } = 10;

    /// <summary>Records read but not yet finished, per partition, before reading pauses.</summary>
    public int MaxInFlightPerPartition { get; set; } = 20_000;

    /// <summary>
    /// Requests ahead of dispatch on the thread pool they share: dispatch runs on at most one pool
    /// thread per core, and gives its thread back every few steps. Under a load of batches a
    /// single send is answered several times sooner, and the batches' messages reach their
    /// handsets at a lower rate (docs/performance.md). Off by default: throughput first.
    /// </summary>
    public bool RequestsFirst { get; set; }

    /// <summary>Messages kept in memory between their hand-over and their last receipt (two generations of this many).</summary>
    public int RecentMessages { get; set; } = 32_768;
}
