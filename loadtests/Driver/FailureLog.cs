using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace MessagingGateway.Driver;

/// <summary>Counts failures and keeps the first few messages, so a report shows what went wrong without flooding.</summary>
internal sealed class FailureLog
{
    private const int Kept = 10;
    private readonly ConcurrentQueue<string> _first = new();
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public void Add(string what)
    {
        if (Interlocked.Increment(ref _count) <= Kept)
        {
            _first.Enqueue(what);
        }
    }

    public JsonArray ToJson() => [.. _first.Select(f => (JsonNode)f)];
}
