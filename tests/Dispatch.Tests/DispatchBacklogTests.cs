namespace MessagingGateway.Dispatch.Tests;

public sealed class DispatchBacklogTests
{
    [Fact]
    public async Task Intake_goes_on_at_once_below_the_limit_and_waits_for_dispatch_at_it()
    {
        var backlog = new DispatchBacklog(limit: 3, maxWait: TimeSpan.FromMinutes(5), maxSingleWait: TimeSpan.FromMinutes(5));
        backlog.Accepted(2);
        Assert.True(backlog.WaitForRoomAsync(2, CancellationToken.None).AsTask().IsCompletedSuccessfully);

        backlog.Accepted(1);
        var waiting = backlog.WaitForRoomAsync(2, CancellationToken.None).AsTask();
        Assert.False(waiting.IsCompleted);

        backlog.Dispatched();
        await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(2, backlog.Behind);
    }

    [Fact]
    public async Task A_backlog_that_does_not_shrink_slows_intake_but_never_stops_it()
    {
        var backlog = new DispatchBacklog(limit: 1, maxWait: TimeSpan.FromMilliseconds(50), maxSingleWait: TimeSpan.FromMilliseconds(50));
        backlog.Accepted(5); // say, a provider is down and its conversations wait on retries

        await backlog.WaitForRoomAsync(2, CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(5, backlog.Behind);
    }

    [Fact]
    public async Task A_single_send_waits_only_its_own_short_time_while_a_batch_waits_for_room()
    {
        var backlog = new DispatchBacklog(limit: 1, maxWait: TimeSpan.FromMinutes(5), maxSingleWait: TimeSpan.FromMilliseconds(20));
        backlog.Accepted(2); // twice the limit: a single waits too, but only its own short time
        var batch = backlog.WaitForRoomAsync(100, CancellationToken.None).AsTask();

        await backlog.WaitForRoomAsync(1, CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(batch.IsCompleted);

        backlog.Dispatched();
        backlog.Dispatched();
        await batch.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_single_send_goes_on_at_once_until_the_backlog_is_twice_the_limit()
    {
        var backlog = new DispatchBacklog(limit: 2, maxWait: TimeSpan.FromMinutes(5), maxSingleWait: TimeSpan.FromMinutes(5));
        backlog.Accepted(3);
        var batch = backlog.WaitForRoomAsync(2, CancellationToken.None).AsTask();
        Assert.False(batch.IsCompleted); // a batch waits at the limit
        Assert.True(backlog.WaitForRoomAsync(1, CancellationToken.None).AsTask().IsCompletedSuccessfully);

        backlog.Accepted(1);
        var single = backlog.WaitForRoomAsync(1, CancellationToken.None).AsTask();
        Assert.False(single.IsCompleted);

        backlog.Dispatched();
        backlog.Dispatched();
        Assert.False(single.IsCompleted); // at the limit, not below it
        backlog.Dispatched();
        await single.WaitAsync(TimeSpan.FromSeconds(10));
        await batch.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_caller_that_gives_up_stops_waiting()
    {
        var backlog = new DispatchBacklog(limit: 1, maxWait: TimeSpan.FromMinutes(5), maxSingleWait: TimeSpan.FromMinutes(5));
        backlog.Accepted(1);
        using var cancel = new CancellationTokenSource();
        var waiting = backlog.WaitForRoomAsync(2, cancel.Token).AsTask();

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
    }
}
