using MessagingGateway.Core.Channels;
using MessagingGateway.Core.Log;
using MessagingGateway.Core.Model;
using MessagingGateway.Core.Serialization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MessagingGateway.Dispatch.Sandbox;

/// <summary>
/// Reports the sandbox handsets' receipts through the log, as a provider's webhooks would. Each
/// receipt's time is fixed by when the handset got the message, so a receipt reported twice
/// (after a crash) is recognised as the same one. Like webhook delivery, receipts follow the log
/// partition of their conversation: the node given a partition resumes the receipts its handsets
/// still owe (also those of a node that died), and one that loses it leaves them to the next owner.
/// </summary>
public sealed partial class SandboxReceiptClock(IHandsetInbox inbox, IMessageLog log, TimeProvider time, IOptions<SandboxOptions> options, ILogger<SandboxReceiptClock> logger)
    : BackgroundService, IPartitionAssignment
{
    private const int MaxReportsInFlight = 4;

    private readonly PriorityQueue<HandsetMessage, DateTimeOffset> _due = new();
    private readonly Dictionary<Guid, int> _scheduled = [];   // message → receipts owed when scheduled
    private readonly HashSet<int> _owned = [];
    private readonly List<int> _toResume = [];
    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _wake = new(0);

    public void Schedule(HandsetMessage message)
    {
        lock (_lock)
        {
            // Resuming may read a message already scheduled here: its receipt is scheduled once.
            if (_scheduled.TryGetValue(message.MessageId, out var owed) && owed <= message.ReceiptsOwed)
            {
                return;
            }

            _scheduled[message.MessageId] = message.ReceiptsOwed;
            _due.Enqueue(message, DueAt(message));
        }

        _wake.Release();
    }

    public void Assigned(IReadOnlyList<int> partitions)
    {
        lock (_lock)
        {
            _owned.UnionWith(partitions);
            _toResume.AddRange(partitions);
        }

        _wake.Release();
    }

    public void Revoked(IReadOnlyList<int> partitions)
    {
        lock (_lock)
        {
            // Their scheduled receipts are dropped when due: the next owner resumes them.
            _owned.ExceptWith(partitions);
        }
    }

    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // A few reports in flight at once: each waits for a group commit of the log, and one at a
        // time fell seconds behind the receipts due under load. A message's next receipt is
        // scheduled only once its last is appended, so its receipts stay in order.
        var reporting = new List<Task>(MaxReportsInFlight);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await ResumeAsync(stoppingToken);
                await FinishedAsync(reporting, MaxReportsInFlight - 1);
                var ready = TakeDue(out var wait);
                if (ready.Count == 0)
                {
                    await _wake.WaitAsync(wait, stoppingToken);
                    continue;
                }

                reporting.Add(ReportAsync(ready, stoppingToken));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            await Task.WhenAll(reporting).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>Waits until at most <paramref name="left"/> reports are in flight; a failed one fails the clock, as before.</summary>
    private static async Task FinishedAsync(List<Task> reporting, int left)
    {
        while (true)
        {
            for (var i = reporting.Count - 1; i >= 0; i--)
            {
                if (reporting[i].IsCompleted)
                {
                    var done = reporting[i];
                    reporting.RemoveAt(i);
                    await done;
                }
            }

            if (reporting.Count <= left)
            {
                return;
            }

            await Task.WhenAny(reporting);
        }
    }

    private List<HandsetMessage> TakeDue(out TimeSpan wait)
    {
        var now = time.GetUtcNow();
        var ready = new List<HandsetMessage>();
        wait = TimeSpan.FromSeconds(1);
        lock (_lock)
        {
            while (ready.Count < 1024 && _due.TryPeek(out var message, out var dueAt))
            {
                if (dueAt > now)
                {
                    wait = dueAt - now;
                    break;
                }

                _due.Dequeue();
                _scheduled.Remove(message.MessageId);
                if (_owned.Contains(PartitionOf(message)))
                {
                    ready.Add(message);
                }
            }
        }

        return ready;
    }

    /// <summary>Schedules the receipts owed in partitions given to this node since the last look.</summary>
    private async Task ResumeAsync(CancellationToken stoppingToken)
    {
        HashSet<int> partitions;
        lock (_lock)
        {
            if (_toResume.Count == 0)
            {
                return;
            }

            partitions = [.. _toResume];
            _toResume.Clear();
        }

        try
        {
            foreach (var owed in await inbox.ReadAwaitingReceiptsAsync(stoppingToken))
            {
                if (partitions.Contains(PartitionOf(owed)))
                {
                    Schedule(owed);
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogResumeFailed(partitions.Count, ex);
            lock (_lock)
            {
                _toResume.AddRange(partitions);
            }

            await Task.Delay(TimeSpan.FromSeconds(1), time, stoppingToken);
        }
    }

    private int PartitionOf(HandsetMessage message) =>
        KafkaPartitioner.PartitionFor(LogEnvelopeCodec.EncodeKey(message.ConversationId), log.PartitionCount);

    private async Task ReportAsync(List<HandsetMessage> ready, CancellationToken cancellationToken)
    {
        var records = new LogRecord[ready.Count];
        for (var i = 0; i < ready.Count; i++)
        {
            var message = ready[i];
            var receipt = new StatusReceipt(message.MessageId, message.TenantId, message.ConversationId, StatusOf(message), DueAt(message));
            records[i] = new LogRecord(LogEnvelopeCodec.EncodeKey(message.ConversationId), LogEnvelopeCodec.EncodeValue(LogEnvelope.ForReceipt(receipt)), LogStream.Inbound);
        }

        try
        {
            await log.AppendManyAsync(records, new LogPosition[records.Length], cancellationToken);
        }
        catch (LogUnavailableException ex)
        {
            LogReceiptsDelayed(records.Length, ex);
            foreach (var message in ready)
            {
                Schedule(message);
            }

            await Task.Delay(TimeSpan.FromSeconds(1), time, cancellationToken);
            return;
        }

        var reported = new HandsetMessage[ready.Count];
        for (var i = 0; i < reported.Length; i++)
        {
            reported[i] = ready[i] with { ReceiptsOwed = ready[i].ReceiptsOwed - 1 };
        }

        await inbox.UpdateAsync(reported, CancellationToken.None);
        foreach (var next in reported)
        {
            if (next.ReceiptsOwed > 0)
            {
                Schedule(next);
            }
        }
    }

    /// <summary>sent, delivered, read (or the reverse, to test out-of-order receipts).</summary>
    private MessageStatus StatusOf(HandsetMessage message)
    {
        var index = SandboxChannel.ReceiptsPerMessage - message.ReceiptsOwed;
        var status = MessageStatus.Sent + index;
        return options.Value.ReverseReceipts ? MessageStatus.Read - index : status;
    }

    private DateTimeOffset DueAt(HandsetMessage message) =>
        message.ReceivedAt + (options.Value.ReceiptDelay * (SandboxChannel.ReceiptsPerMessage - message.ReceiptsOwed + 1));

    [LoggerMessage(EventId = 2202, Level = LogLevel.Warning, Message = "Could not read the sandbox receipts owed in {Count} partition(s); retrying")]
    private partial void LogResumeFailed(int count, Exception exception);

    [LoggerMessage(EventId = 2201, Level = LogLevel.Warning, Message = "Could not report {Count} sandbox receipts; retrying")]
    private partial void LogReceiptsDelayed(int count, Exception exception);
}
