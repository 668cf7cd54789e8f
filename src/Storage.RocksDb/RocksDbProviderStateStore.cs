using System.Text;
using MessagingGateway.Core.Payments;
using RocksDbSharp;

namespace MessagingGateway.Storage.RocksDb;

/// <summary>The sandbox provider's own rows on the embedded database.</summary>
public sealed class RocksDbProviderStateStore(EmbeddedDatabase database) : IProviderStateStore
{
    private readonly ColumnFamilyHandle _family = database.Family(EmbeddedDatabase.ProviderStateFamily);

    public ValueTask<byte[]?> GetAsync(string key, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<byte[]?>(database.Db.Get(Encoding.UTF8.GetBytes(key), _family));

    public ValueTask PutAsync(string key, byte[] value, CancellationToken cancellationToken = default)
    {
        // Synced: like a real provider, what it confirmed survives our crash.
        database.Db.Put(Encoding.UTF8.GetBytes(key), value, _family, database.SyncedWrite);
        return ValueTask.CompletedTask;
    }
}
