using MessagingGateway.Core.Channels;
using MessagingGateway.Core.Model;
using MessagingGateway.Core.Store;
using MessagingGateway.Storage.RocksDb;

namespace MessagingGateway.Storage.Tests;

/// <summary>
/// What a process crash leaves of buffered store writes. A copy of the data folder taken while
/// the database is open holds exactly what reached the files (the page cache), which is what the
/// next process would recover from after a kill -9.
/// </summary>
public sealed class WalBufferTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private readonly TempDirectory _directory = new();
    private readonly TempDirectory _crashCopy = new();

    public void Dispose()
    {
        _directory.Dispose();
        _crashCopy.Dispose();
    }

    [Fact]
    public async Task A_hand_over_reaches_the_files_at_once_while_the_log_is_idle()
    {
        using var database = EmbeddedDatabase.Open(_directory.Path, holdsLog: true);
        var handoff = new ChannelHandoff(Guid.NewGuid(), T0, "wamid.1", SentAt: T0.AddSeconds(-1), StartedAt: T0.AddMilliseconds(-120));

        await new RocksDbDeliveryLedger(database).PutHandoffAsync(handoff);
        CopyAsCrashLeavesIt();

        using var recovered = EmbeddedDatabase.Open(_crashCopy.Path);
        Assert.Equal(handoff, await new RocksDbDeliveryLedger(recovered).GetHandoffAsync(handoff.MessageId)); // every field, the send's times too
    }

    [Fact]
    public async Task Buffered_writes_reach_the_files_within_the_flush_interval_while_the_log_is_idle()
    {
        using var database = EmbeddedDatabase.Open(_directory.Path, holdsLog: true);
        var message = NewMessage();

        await new RocksDbConversationStore(database).PutMessageAsync(message, [new StatusChange(MessageStatus.Accepted, T0, 1)]);

        // No log append follows: only the idle flusher (every 200 ms) can get the write to the
        // files. Look until a crash copy has it, rather than betting on a fixed sleep under load.
        StoredMessage? stored = null;
        var attempt = 0;
        await Eventually.HoldsAsync(
            async () =>
            {
                var copy = Directory.CreateDirectory(Path.Combine(_crashCopy.Path, "attempt-" + attempt++)).FullName;
                CopyAsCrashLeavesIt(copy);
                using var recovered = EmbeddedDatabase.Open(copy);
                stored = await new RocksDbConversationStore(recovered).GetMessageAsync(message.Id);
                return stored is not null;
            },
            TimeSpan.FromSeconds(15),
            "the write in a crash copy");

        Assert.Equal(MessageStatus.Accepted, Assert.Single(stored!.StatusHistory).Status);
    }

    [Fact]
    public async Task Without_the_log_every_store_write_reaches_the_files_at_once()
    {
        using var database = EmbeddedDatabase.Open(_directory.Path, holdsLog: false);
        var message = NewMessage();

        await new RocksDbConversationStore(database).PutMessageAsync(message, [new StatusChange(MessageStatus.Accepted, T0, 1)]);
        CopyAsCrashLeavesIt();

        using var recovered = EmbeddedDatabase.Open(_crashCopy.Path, holdsLog: false);
        Assert.Equal(message.To, (await new RocksDbConversationStore(recovered).GetMessageAsync(message.Id))?.Message.To);
    }

    private static Message NewMessage() => new()
    {
        Id = Guid.NewGuid(),
        TenantId = "tenant",
        ConversationId = "cnv-wal",
        Channel = Channel.Sms,
        Direction = MessageDirection.Outbound,
        From = "+31612345678",
        To = "+31687654321",
        Content = new MessageContent { Type = "text", Text = "hello" },
        AcceptedAt = T0,
    };

    private void CopyAsCrashLeavesIt() => CopyAsCrashLeavesIt(_crashCopy.Path);

    private void CopyAsCrashLeavesIt(string target)
    {
        foreach (var file in Directory.GetFiles(_directory.Path))
        {
            var name = Path.GetFileName(file);
            if (name != "LOCK")
            {
                File.Copy(file, Path.Combine(target, name));
            }
        }
    }
}
