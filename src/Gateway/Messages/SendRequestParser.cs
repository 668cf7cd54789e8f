using System.Buffers;
using System.Text.Json;
using MessagingGateway.Core.Validation;
using MessagingGateway.Gateway.Http;

namespace MessagingGateway.Gateway.Messages;

/// <summary>
/// Reads send requests straight from the buffered body with <see cref="Utf8JsonReader"/>. JSON
/// syntax errors are 400s; well-formed JSON with a wrong type for a field is a 422 on that field.
/// </summary>
internal static class SendRequestParser
{
    public const int MaxBatchSize = 1000;

    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 32 };

    private static readonly ApiProblem InvalidText = ApiProblem.MalformedJson("A string holds an escape that is not valid UTF-16 (such as a lone surrogate \\ud800).");

    public static SendMessageRequest? ParseSingle(ReadOnlySequence<byte> body, out ApiProblem? problem)
    {
        var reader = new Utf8JsonReader(body, ReaderOptions);
        try
        {
            var request = ReadItem(ref reader, out problem);
            if (problem is null && reader.Read())
            {
                problem = ApiProblem.MalformedJson("There is more content after the JSON object.");
                return null;
            }

            return request;
        }
        catch (JsonException ex)
        {
            problem = ApiProblem.MalformedJson(Describe(ex));
            return null;
        }
        catch (InvalidOperationException)
        {
            problem = InvalidText;
            return null;
        }
    }

    /// <summary>
    /// Reads <c>{ "messages": [ ... ] }</c>. A malformed document fails as a whole; an item of the
    /// wrong shape fails alone, in <paramref name="items"/>, so the valid items still go through.
    /// </summary>
    public static bool TryParseBatch(ReadOnlySequence<byte> body, List<(SendMessageRequest? Request, ApiProblem? Problem)> items, out ApiProblem? problem)
    {
        var reader = new Utf8JsonReader(body, ReaderOptions);
        var sawMessages = false;
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                problem = ApiProblem.BadRequest("The body must be a JSON object: { \"messages\": [ ... ] }.");
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (!reader.ValueTextEquals("messages"u8))
                {
                    reader.Read();
                    reader.Skip();
                    continue;
                }

                reader.Read();
                if (reader.TokenType != JsonTokenType.StartArray)
                {
                    problem = ApiProblem.Field("messages", "must be an array of messages");
                    return false;
                }

                sawMessages = true;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (items.Count == MaxBatchSize)
                    {
                        problem = ApiProblem.Field("messages", $"must hold at most {MaxBatchSize} messages; split the batch");
                        return false;
                    }

                    // The item is read on a copy: a wrong type inside it must not derail the outer reader.
                    var itemReader = reader;
                    var request = ReadItemAt(ref itemReader, out var itemProblem);
                    items.Add((request, itemProblem));
                    reader.Skip();
                }
            }

            if (reader.Read())
            {
                problem = ApiProblem.MalformedJson("There is more content after the JSON object.");
                return false;
            }
        }
        catch (JsonException ex)
        {
            problem = ApiProblem.MalformedJson(Describe(ex));
            return false;
        }
        catch (InvalidOperationException)
        {
            // Utf8JsonReader's text comparisons throw this for an escape that is not valid UTF-16
            // (a lone surrogate such as \ud800 in a property name).
            problem = InvalidText;
            return false;
        }

        if (!sawMessages || items.Count == 0)
        {
            problem = ApiProblem.Field("messages", $"is required: an array of 1 to {MaxBatchSize} messages");
            return false;
        }

        problem = null;
        return true;
    }

    private static SendMessageRequest? ReadItem(ref Utf8JsonReader reader, out ApiProblem? problem)
    {
        if (!reader.Read())
        {
            problem = ApiProblem.MalformedJson("The body holds no JSON value.");
            return null;
        }

        return ReadItemAt(ref reader, out problem);
    }

    /// <summary>Reads the object at the reader's current token.</summary>
    private static SendMessageRequest? ReadItemAt(ref Utf8JsonReader reader, out ApiProblem? problem)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            problem = ApiProblem.BadRequest("A message must be a JSON object.");
            return null;
        }

        try
        {
            var request = JsonSerializer.Deserialize(ref reader, ApiJsonContext.Default.SendMessageRequest);
            problem = null;
            return request;
        }
        catch (JsonException ex) when (ex.InnerException is not JsonException)
        {
            // Well-formed JSON, wrong type for a field (a number where a string belongs, ...).
            problem = ApiProblem.Field(FieldOf(ex.Path), "has the wrong JSON type; see the API reference for this field");
            return null;
        }
        catch (InvalidOperationException)
        {
            problem = InvalidText;
            return null;
        }
    }

    /// <summary>"$.content.buttons[0].title" → "content.buttons[0].title".</summary>
    private static string FieldOf(string? path) =>
        path switch
        {
            null or "$" => "body",
            _ when path.StartsWith("$.", StringComparison.Ordinal) => path[2..],
            _ => path.TrimStart('$'),
        };

    private static string Describe(JsonException ex) =>
        ex.LineNumber is { } line && ex.BytePositionInLine is { } column
            ? $"Invalid JSON at line {line + 1}, byte {column + 1}."
            : "Invalid JSON.";
}
