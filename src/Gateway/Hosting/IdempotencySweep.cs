namespace MessagingGateway.Gateway.Hosting;

/// <summary>
/// Deletes expired idempotency records every <see cref="Interval"/>, a bounded batch at a time
/// until none is left, on whichever store holds them (expired records already read as absent;
/// this only reclaims their space). Several nodes of a shared store may sweep at once.
/// </summary>
/// <param name="removeExpired">Deletes at most the given number of expired records; returns how many it visited.</param>
internal sealed partial class IdempotencySweep(Func<int, CancellationToken, Task<int>> removeExpired, TimeProvider time, ILogger<IdempotencySweep> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(10);

    internal const int Limit = 10_000;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await SweepAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One sweep: batches until one comes back short. Returns how many went; a failure is logged, and the next sweep tries again.</summary>
    internal async Task<int> SweepAsync(CancellationToken stoppingToken)
    {
        var swept = 0;
        try
        {
            int visited;
            do
            {
                visited = await removeExpired(Limit, stoppingToken);
                swept += visited;
            }
            while (visited == Limit);

            if (swept > 0)
            {
                LogSwept(swept);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The next sweep tries again; expired records already read as absent.
            LogSweepFailed(ex);
        }

        return swept;
    }

    [LoggerMessage(EventId = 1401, Level = LogLevel.Debug, Message = "Swept {Count} expired idempotency entries")]
    private partial void LogSwept(int count);

    [LoggerMessage(EventId = 1402, Level = LogLevel.Warning, Message = "Sweeping expired idempotency records failed")]
    private partial void LogSweepFailed(Exception exception);
}
