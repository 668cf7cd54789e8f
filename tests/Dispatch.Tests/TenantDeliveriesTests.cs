using System.Collections.Concurrent;
using MessagingGateway.Core.Webhooks;
using MessagingGateway.Dispatch.Webhooks;

namespace MessagingGateway.Dispatch.Tests;

/// <summary>The per-tenant outbox scheduler: order per conversation, the concurrency limit, retries and redeliveries.</summary>
public sealed class TenantDeliveriesTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly CancellationTokenSource _stopping = new();

    public void Dispose()
    {
        _stopping.Cancel();
        _stopping.Dispose();
    }

    [Fact]
    public async Task Each_conversation_goes_in_order_with_at_most_the_limit_in_flight()
    {
        const int Conversations = 12;
        const int PerConversation = 4;
        const int Limit = 3;
        var delivered = new ConcurrentQueue<OutboxEntry>();
        var inFlight = 0;
        var maxInFlight = 0;
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var deliveries = new TenantDeliveries(
            async (entry, cancellationToken) =>
            {
                var now = Interlocked.Increment(ref inFlight);
                InterlockedMax(ref maxInFlight, now);
                await Task.Delay(2, cancellationToken);
                Interlocked.Decrement(ref inFlight);
                delivered.Enqueue(entry);
                if (delivered.Count == Conversations * PerConversation)
                {
                    all.TrySetResult();
                }

                return new DeliveryAttempt(null, null);
            },
            TimeProvider.System,
            Limit,
            _stopping.Token);

        var seq = 0L;
        for (var round = 0; round < PerConversation; round++)
        {
            for (var c = 0; c < Conversations; c++)
            {
                deliveries.Add(Entry("cnv-" + c, ++seq, DateTimeOffset.UtcNow));
            }
        }

        await all.Task.WaitAsync(Timeout);
        Assert.InRange(maxInFlight, 1, Limit);
        foreach (var conversation in delivered.GroupBy(entry => entry.ConversationId))
        {
            var seqs = conversation.Select(entry => entry.EventSeq).ToList();
            Assert.Equal(seqs.Order(), seqs);
            Assert.Equal(PerConversation, seqs.Count);
        }

        Assert.Equal(0, deliveries.Status.Pending);
    }

    [Fact]
    public async Task A_failed_head_is_tried_again_when_due_and_holds_back_its_conversation_only()
    {
        var attempts = new ConcurrentQueue<(long Seq, DateTimeOffset At)>();
        var otherDelivered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var deliveries = new TenantDeliveries(
            (entry, _) =>
            {
                attempts.Enqueue((entry.EventSeq, DateTimeOffset.UtcNow));
                if (entry.ConversationId == "other")
                {
                    otherDelivered.TrySetResult();
                }
                else if (entry.EventSeq == 1 && entry.Attempts == 0)
                {
                    return Task.FromResult(new DeliveryAttempt("HTTP 503", entry with { Attempts = 1, NextAttemptAt = DateTimeOffset.UtcNow.AddMilliseconds(300) }));
                }
                else if (entry.EventSeq == 2)
                {
                    done.TrySetResult();
                }

                return Task.FromResult(new DeliveryAttempt(null, null));
            },
            TimeProvider.System,
            4,
            _stopping.Token);

        var start = DateTimeOffset.UtcNow;
        deliveries.Add(Entry("cnv", 1, start));
        deliveries.Add(Entry("cnv", 2, start));
        deliveries.Add(Entry("other", 3, start));

        await otherDelivered.Task.WaitAsync(Timeout);
        await done.Task.WaitAsync(Timeout);
        var ofConversation = attempts.Where(a => a.Seq != 3).ToList();
        Assert.Equal([1L, 1L, 2L], ofConversation.Select(a => a.Seq));
        Assert.True(ofConversation[1].At >= start.AddMilliseconds(300), "the retry waited for its time");
        Assert.Equal("HTTP 503", deliveries.Status.LastError);
    }

    [Fact]
    public async Task A_redelivered_older_event_goes_at_once_ahead_of_a_head_waiting_for_its_retry()
    {
        var attempts = new ConcurrentQueue<long>();
        var redelivered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var firstFailure = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var deliveries = new TenantDeliveries(
            (entry, _) =>
            {
                attempts.Enqueue(entry.EventSeq);
                if (entry.EventSeq == 5)
                {
                    firstFailure.TrySetResult();
                    return Task.FromResult(new DeliveryAttempt("down", entry with { Attempts = entry.Attempts + 1, NextAttemptAt = DateTimeOffset.UtcNow.AddHours(1) }));
                }

                redelivered.TrySetResult();
                return Task.FromResult(new DeliveryAttempt(null, null));
            },
            TimeProvider.System,
            4,
            _stopping.Token);

        // Thousands of conversations wait out an outage; event 5 of "cnv" waits an hour too.
        for (var i = 0; i < 2_000; i++)
        {
            deliveries.Add(Entry("waiting-" + i, 100 + i, DateTimeOffset.UtcNow.AddHours(1)));
        }

        deliveries.Add(Entry("cnv", 5, DateTimeOffset.UtcNow));
        await firstFailure.Task.WaitAsync(Timeout);

        deliveries.Add(Entry("cnv", 4, DateTimeOffset.UtcNow)); // a dead letter redelivered
        await redelivered.Task.WaitAsync(Timeout);

        Assert.Equal([5L, 4L], attempts);
        Assert.Equal(2_001, deliveries.Status.Pending);
    }

    [Fact]
    public async Task A_partition_given_to_another_node_is_forgotten_even_with_an_attempt_under_way_and_the_rest_goes_on()
    {
        var delivered = new ConcurrentQueue<string>();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var deliveries = new TenantDeliveries(
            async (entry, cancellationToken) =>
            {
                if (entry.EventId == "evt_1")
                {
                    started.TrySetResult();
                    await release.Task.WaitAsync(cancellationToken); // under way while its partition goes
                }

                delivered.Enqueue(entry.EventId);
                return new DeliveryAttempt(null, null);
            },
            TimeProvider.System,
            4,
            _stopping.Token);

        var now = DateTimeOffset.UtcNow;
        deliveries.Add(Entry("cnv-moving", 1, now, partition: 5));
        deliveries.Add(Entry("cnv-moving", 2, now, partition: 5));
        await started.Task.WaitAsync(Timeout);
        deliveries.Forget(5);
        Assert.Equal(0, deliveries.Status.Pending);

        deliveries.Add(Entry("cnv-staying", 3, now, partition: 2));
        release.SetResult();
        await Eventually.HoldsAsync(() => delivered.Count == 2 && deliveries.Status.Pending == 0, Timeout, "the attempt under way and the other partition's entry");
        Assert.Equal(["evt_1", "evt_3"], delivered.Order());
    }

    private static OutboxEntry Entry(string conversation, long seq, DateTimeOffset due, int partition = 0) =>
        new("tenant", partition, seq, "evt_" + seq, conversation, 0, null, due, null);

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
