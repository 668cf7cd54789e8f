using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Npgsql;
using NpgsqlTypes;

namespace MessagingGateway.Storage.Postgres;

/// <summary>
/// Statements and their parameters: every value goes as a typed positional parameter ($1, $2, …),
/// never into the SQL text; every statement is an <see cref="NpgsqlBatchCommand"/>, so a store's
/// statements can be sent alone or together with others in one batch (one round trip).
/// </summary>
internal static class Sql
{
    public static NpgsqlBatchCommand Command(string text, params ReadOnlySpan<NpgsqlParameter> parameters)
    {
        var command = new NpgsqlBatchCommand(text);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(parameter);
        }

        return command;
    }

    /// <summary>A batch of <paramref name="commands"/> on a connection of the pool: atomic, one round trip.</summary>
    public static NpgsqlBatch Batch(NpgsqlDataSource dataSource, params ReadOnlySpan<NpgsqlBatchCommand> commands)
    {
        var batch = dataSource.CreateBatch();
        foreach (var command in commands)
        {
            batch.BatchCommands.Add(command);
        }

        return batch;
    }

    public static async Task<int> ExecuteAsync(NpgsqlDataSource dataSource, NpgsqlBatchCommand command, CancellationToken cancellationToken)
    {
        await using var batch = Batch(dataSource, command);
        return await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    public static async Task<byte[]?> ReadBytesAsync(NpgsqlDataSource dataSource, NpgsqlBatchCommand command, CancellationToken cancellationToken)
    {
        await using var batch = Batch(dataSource, command);
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? reader.GetFieldValue<byte[]>(0) : null;
    }

    public static async Task<List<T>> ReadBodiesAsync<T>(NpgsqlDataSource dataSource, NpgsqlBatchCommand command, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        await using var batch = Batch(dataSource, command);
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(Deserialize(reader.GetFieldValue<byte[]>(0), type));
        }

        return rows;
    }

    public static T Deserialize<T>(byte[] body, JsonTypeInfo<T> type) =>
        JsonSerializer.Deserialize(body, type) ?? throw new InvalidDataException($"A stored {typeof(T).Name} reads as null.");

    public static NpgsqlParameter Json<T>(T value, JsonTypeInfo<T> type) => Bytes(JsonSerializer.SerializeToUtf8Bytes(value, type));

    public static NpgsqlParameter Bytes(byte[] value) => new NpgsqlParameter<byte[]> { TypedValue = value, NpgsqlDbType = NpgsqlDbType.Bytea };

    public static NpgsqlParameter Bytes(ReadOnlyMemory<byte> value) => new NpgsqlParameter<ReadOnlyMemory<byte>> { TypedValue = value, NpgsqlDbType = NpgsqlDbType.Bytea };

    public static NpgsqlParameter Uuid(Guid value) => new NpgsqlParameter<Guid> { TypedValue = value, NpgsqlDbType = NpgsqlDbType.Uuid };

    /// <summary>Text, or SQL NULL for null (typed, so <c>$n IS NULL</c> works).</summary>
    public static NpgsqlParameter Text(string? value) => new() { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)value ?? DBNull.Value };

    public static NpgsqlParameter Int(int value) => new NpgsqlParameter<int> { TypedValue = value, NpgsqlDbType = NpgsqlDbType.Integer };

    public static NpgsqlParameter Short(short value) => new NpgsqlParameter<short> { TypedValue = value, NpgsqlDbType = NpgsqlDbType.Smallint };

    public static NpgsqlParameter Long(long value) => new NpgsqlParameter<long> { TypedValue = value, NpgsqlDbType = NpgsqlDbType.Bigint };

    public static NpgsqlParameter Bool(bool value) => new NpgsqlParameter<bool> { TypedValue = value, NpgsqlDbType = NpgsqlDbType.Boolean };

    /// <summary>A point in time as <c>timestamptz</c> (UTC; PostgreSQL keeps microseconds).</summary>
    public static NpgsqlParameter Time(DateTimeOffset value) =>
        new NpgsqlParameter<DateTimeOffset> { TypedValue = value.ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz };

    /// <summary>A point in time, or SQL NULL.</summary>
    public static NpgsqlParameter Time(DateTimeOffset? value) =>
        value is { } at ? Time(at) : new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = DBNull.Value };
}
