using System.Collections.Concurrent;

namespace MessagingGateway.Core.Store;

/// <summary>
/// What was used lately, kept in memory so a hot path need not read it again: two generations of
/// at most <c>capacity</c> entries each; when the young one is full it becomes the old one and
/// the old one is dropped, so memory stays bounded without per-entry bookkeeping. An entry found
/// in the old generation moves back to the young one. Safe for concurrent use.
/// </summary>
public sealed class RecentEntries<TKey, TValue>(int capacity)
    where TKey : notnull
{
    private readonly Lock _turn = new();
    private ConcurrentDictionary<TKey, TValue> _young = new();
    private ConcurrentDictionary<TKey, TValue> _old = new();
    private int _youngCount;

    public bool TryGet(TKey key, out TValue value)
    {
        if (_young.TryGetValue(key, out value!))
        {
            return true;
        }

        if (_old.TryGetValue(key, out value!))
        {
            Remember(key, value);
            return true;
        }

        return false;
    }

    public void Remember(TKey key, TValue value)
    {
        var young = _young;
        var added = young.TryAdd(key, value);
        if (!added)
        {
            young[key] = value;
        }

        _old.TryRemove(key, out _);

        // Counted here: ConcurrentDictionary.Count takes every one of its locks, on each call.
        if (added && Interlocked.Increment(ref _youngCount) >= capacity)
        {
            lock (_turn)
            {
                if (ReferenceEquals(young, _young))
                {
                    _old = young;
                    _young = new ConcurrentDictionary<TKey, TValue>();
                    Volatile.Write(ref _youngCount, 0);
                }
            }
        }
    }

    public void Forget(TKey key)
    {
        _young.TryRemove(key, out _);
        _old.TryRemove(key, out _);
    }

    public void Clear()
    {
        lock (_turn)
        {
            _young = new ConcurrentDictionary<TKey, TValue>();
            _old = new ConcurrentDictionary<TKey, TValue>();
            Volatile.Write(ref _youngCount, 0);
        }
    }
}
