using MessagingGateway.Storage.RocksDb;

namespace MessagingGateway.Storage.Tests;

/// <summary>A fresh embedded database in a temp folder, closed and deleted on dispose: what a RocksDB contract subclass runs on.</summary>
public sealed class EmbeddedTestDatabase : IDisposable
{
    private readonly TempDirectory _directory = new();

    public EmbeddedTestDatabase()
    {
        Database = EmbeddedDatabase.Open(_directory.Path);
    }

    public EmbeddedDatabase Database { get; private set; }

    public string Path => _directory.Path;

    /// <summary>Closes the database and opens it again from its files.</summary>
    public EmbeddedDatabase Reopen()
    {
        Database.Dispose();
        Database = EmbeddedDatabase.Open(_directory.Path);
        return Database;
    }

    public void Dispose()
    {
        Database.Dispose();
        _directory.Dispose();
    }
}
