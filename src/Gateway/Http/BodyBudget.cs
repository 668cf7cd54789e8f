namespace MessagingGateway.Gateway.Http;

/// <summary>
/// The bytes of request bodies held in memory at once, across all connections. A body stays in
/// Kestrel's pinned memory pool while it is parsed, and that pool keeps what it grew to; without
/// a shared budget, slow or hostile clients each holding an 8 MiB batch grow it without bound
/// (1.2 GB with 150 such clients). Bodies up to <see cref="FreeBytes"/> (every single message)
/// never touch the budget; larger ones reserve their Content-Length before a byte is read, or,
/// chunked, in steps as their bytes arrive. Only authenticated requests read bodies, so only a
/// tenant can use the budget up, and then it gets 503s, not the process more memory.
/// </summary>
public sealed class BodyBudget(long capacity)
{
    /// <summary>What a body may hold without reserving: the per-connection read-ahead.</summary>
    public const long FreeBytes = 64 * 1024;

    private const long Step = 256 * 1024;

    private long _reserved;

    public long Capacity { get; } = capacity;

    /// <summary>Bytes reserved right now.</summary>
    public long Reserved => Volatile.Read(ref _reserved);

    /// <summary>
    /// Grows a body's reservation to cover <paramref name="buffered"/> bytes; false (nothing more
    /// reserved) when the budget cannot take it.
    /// </summary>
    public bool TryCover(long buffered, ref long reservation)
    {
        if (buffered <= FreeBytes || buffered <= reservation)
        {
            return true;
        }

        var target = (buffered + Step - 1) / Step * Step;
        var more = target - reservation;
        if (Interlocked.Add(ref _reserved, more) > Capacity)
        {
            Interlocked.Add(ref _reserved, -more);
            return false;
        }

        reservation = target;
        return true;
    }

    public void Return(long reservation)
    {
        if (reservation > 0)
        {
            Interlocked.Add(ref _reserved, -reservation);
        }
    }
}
