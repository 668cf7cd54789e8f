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
/// (after a crash) is recognised as the same one. Receipts still owed are resumed at start.
/// </summary>
public sealed partial class SandboxReceiptClock(IHandsetInbox inbox, IMessageLog log, TimeProvider time, IOptions<SandboxOptions> options, ILogger<SandboxReceiptClock> logger) : BackgroundService
{
    private readonly PriorityQueue<HandsetMessage, DateTimeOffset> _due = new();
    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _wake = new(0);

    public void Schedule(HandsetMessage message)
    {
        lock (_lock)
        {
            _due.Enqueue(message, DueAt(message));
        }

        _wake.Release();
    }

    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        foreach (var owed in await inbox.ReadAwaitingReceiptsAsync(stoppingToken))
        {
            Schedule(owed);
        }

        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var ready = TakeDue(out var wait);
                if (ready.Count == 0)
                {
                    await _wake.WaitAsync(wait, stoppingToken);
                    continue;
                }

                await ReportAsync(ready, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
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

                ready.Add(_due.Dequeue());
            }
        }

        return ready;
    }

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

    [LoggerMessage(EventId = 2201, Level = LogLevel.Warning, Message = "Could not report {Count} sandbox receipts; retrying")]
    private partial void LogReceiptsDelayed(int count, Exception exception);
}
