using System.Text.Json;
using MessagingGateway.Core.Serialization;
using MessagingGateway.Core.Store;
using MessagingGateway.Storage.Postgres;
using MessagingGateway.Storage.Tests.Contracts;

namespace MessagingGateway.Storage.Tests.Postgres;

public sealed class PostgresConversationStoreTests(PostgresDatabase database) : ConversationStoreContract, IClassFixture<PostgresDatabase>
{
    protected override IConversationStore Store { get; } = new PostgresConversationStore(database.DataSource, time: new ManualClock(T0));

    public override Task InitializeAsync() => database.ResetAsync();

    [Fact]
    public async Task A_message_row_written_as_json_before_the_binary_layout_still_reads()
    {
        var message = NewMessage("cnv-json-row");
        await Store.PutAcceptedAsync([message]);
        await using (var update = database.DataSource.CreateCommand("UPDATE messages SET body = $1 WHERE message_id = $2"))
        {
            update.Parameters.AddWithValue(JsonSerializer.SerializeToUtf8Bytes(message, CoreJsonContext.Default.Message));
            update.Parameters.AddWithValue(message.Id);
            Assert.Equal(1, await update.ExecuteNonQueryAsync());
        }

        var stored = await Store.GetMessageAsync(message.Id);

        Assert.Equal(JsonSerializer.Serialize(message, CoreJsonContext.Default.Message), JsonSerializer.Serialize(stored!.Message, CoreJsonContext.Default.Message));
    }
}
