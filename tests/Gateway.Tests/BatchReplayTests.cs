using System.Net;
using MessagingGateway.Core.Channels;
using MessagingGateway.Core.Log;
using MessagingGateway.Gateway.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace MessagingGateway.Gateway.Tests;

/// <summary>
/// Dispatch writes what it decided for a consumer batch as one unit, then commits the batch's
/// positions. A process that stops after the writes and before the commits reads every record
/// again at its next start: nothing may reach a handset twice, and no status or event may double.
/// </summary>
public sealed class BatchReplayTests
{
    private const int Conversations = 8;
    private const int PerConversation = 5;

    [Fact]
    public async Task Batches_written_but_never_committed_are_replayed_without_a_second_send_status_or_event()
    {
        using var folder = new TempDirectory();
        var dataDir = Path.Combine(folder.Path, "data");
        var ids = new List<string>();
        var conversations = new string[Conversations];

        // First life: everything is written, no position is ever committed.
        await using (var first = await InProcessGateway.StartAsync(
            dataDir,
            services => services.AddSingleton<IMessageLog>(sp => new UncommittedDispatchLog(sp.GetRequiredService<EmbeddedStorage>().Log!)),
            "--Sandbox:ReceiptDelay=00:00:00.010"))
        {
            using var client = first.Client();
            for (var round = 0; round < PerConversation; round++)
            {
                var items = string.Join(',', Enumerable.Range(0, Conversations).Select(c => GatewayClient.SandboxText(Customer(c), $"bericht {round}")));
                using var response = await client.PostJsonAsync("/v1/messages/batch", "{\"messages\":[" + items + "]}");
                Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
                foreach (var result in (await GatewayClient.ReadJsonAsync(response))["results"]!.AsArray())
                {
                    ids.Add(result!["id"]!.GetValue<string>());
                }
            }

            foreach (var id in ids)
            {
                await client.WaitForStatusAsync(id, "read");
            }

            for (var c = 0; c < Conversations; c++)
            {
                var message = await client.WaitForStatusAsync(ids[c], "read");
                conversations[c] = message["conversationId"]!.GetValue<string>();
            }
        }

        // Second life, same data: every record of the first is read again. The sandbox, like a
        // provider honouring an idempotency key, would take a second send without a trace: count them.
        CountingInbox? handsets = null;
        await using var second = await InProcessGateway.StartAsync(
            dataDir,
            services => services.AddSingleton<IHandsetInbox>(sp => handsets = new CountingInbox(sp.GetRequiredService<EmbeddedStorage>().Handsets)),
            "--Sandbox:ReceiptDelay=00:00:00.010");
        using var again = second.Client();

        // One more message per conversation, read after the replayed ones in its conversation's order:
        // once it is read, its conversation's replay is done.
        var last = new List<string>();
        for (var c = 0; c < Conversations; c++)
        {
            last.Add((await again.SendAsync(GatewayClient.SandboxText(Customer(c), "laatste")))["id"]!.GetValue<string>());
        }

        foreach (var id in last)
        {
            await again.WaitForStatusAsync(id, "read");
        }

        Assert.Equal(0, handsets!.SentAgain);
        for (var c = 0; c < Conversations; c++)
        {
            var inbox = (await again.HandsetInboxAsync(Customer(c))).Select(m => m["messageId"]!.GetValue<string>()).ToList();
            Assert.Equal(PerConversation + 1, inbox.Count);
            Assert.Equal(inbox.Count, inbox.Distinct().Count());

            var timeline = await again.ReadTimelineAsync(conversations[c]);
            Assert.Equal(Enumerable.Range(1, PerConversation + 1).Select(seq => (long)seq), timeline.Select(m => m["conversationSeq"]!.GetValue<long>()));
        }

        foreach (var id in ids.Concat(last))
        {
            using var response = await again.GetAsync("/v1/messages/" + id);
            var history = (await GatewayClient.ReadJsonAsync(response))["statusHistory"]!.AsArray();
            Assert.Equal(["accepted", "queued", "sent", "delivered", "read"], history.Select(s => s!["status"]!.GetValue<string>()));
        }

        var events = await again.ReadEventsAsync();
        Assert.Equal(events.Count, events.Select(e => e["id"]!.GetValue<string>()).Distinct().Count());
        Assert.Equal((ids.Count + last.Count) * 4, events.Count); // queued, sent, delivered, read: once each
    }

    private static string Customer(int conversation) => $"+316123470{conversation:00}";

    /// <summary>The real handsets, counting the messages sent to them a second time.</summary>
    private sealed class CountingInbox(IHandsetInbox inner) : IHandsetInbox
    {
        private int _sentAgain;

        public int SentAgain => Volatile.Read(ref _sentAgain);

        public async ValueTask<bool> ReceiveAsync(HandsetMessage message, CancellationToken cancellationToken = default)
        {
            var first = await inner.ReceiveAsync(message, cancellationToken);
            if (!first)
            {
                Interlocked.Increment(ref _sentAgain);
            }

            return first;
        }

        public ValueTask UpdateAsync(IReadOnlyList<HandsetMessage> messages, CancellationToken cancellationToken = default) => inner.UpdateAsync(messages, cancellationToken);

        public ValueTask<IReadOnlyList<HandsetMessage>> ReadAsync(string tenantId, string address, CancellationToken cancellationToken = default) =>
            inner.ReadAsync(tenantId, address, cancellationToken);

        public ValueTask<IReadOnlyList<HandsetMessage>> ReadAwaitingReceiptsAsync(CancellationToken cancellationToken = default) => inner.ReadAwaitingReceiptsAsync(cancellationToken);
    }

    /// <summary>The real log, except that dispatch's consumer never commits a position: a stop right after the writes.</summary>
    private sealed class UncommittedDispatchLog(IMessageLog inner) : IMessageLog
    {
        public int PartitionCount => inner.PartitionCount;

        public ValueTask<LogPosition> AppendAsync(LogRecord record, CancellationToken cancellationToken = default) => inner.AppendAsync(record, cancellationToken);

        public ValueTask AppendManyAsync(ReadOnlyMemory<LogRecord> records, Memory<LogPosition> positions, CancellationToken cancellationToken = default) =>
            inner.AppendManyAsync(records, positions, cancellationToken);

        public ILogConsumer CreateConsumer(string group, IPartitionAssignment? assignment = null)
        {
            var consumer = inner.CreateConsumer(group, assignment);
            return group == Dispatch.Dispatcher.ConsumerGroup ? new Uncommitted(consumer) : consumer;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask; // the storage that owns it closes it

        private sealed class Uncommitted(ILogConsumer inner) : ILogConsumer
        {
            public bool IsCaughtUp => inner.IsCaughtUp;

            public ValueTask<LogBatch> ConsumeAsync(CancellationToken cancellationToken) => inner.ConsumeAsync(cancellationToken);

            public ValueTask CommitAsync(int partition, long nextOffset, LogStream stream = LogStream.Outbound, CancellationToken cancellationToken = default) =>
                ValueTask.CompletedTask;

            public ValueTask DisposeAsync() => inner.DisposeAsync();
        }
    }
}
