using System.Buffers;
using System.IO.Pipelines;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Net.Http.Headers;

namespace MessagingGateway.Gateway.Http;

/// <summary>
/// Buffers a JSON request body in the request pipe (no copy) up to a limit. The caller parses the
/// sequence and then calls <see cref="Release"/>; until then the pipe keeps the bytes alive.
/// </summary>
internal readonly struct RequestBody
{
    private readonly PipeReader? _reader;
    private readonly BodyBudget? _budget;
    private readonly long _reservation;

    private RequestBody(PipeReader reader, ReadOnlySequence<byte> content, BodyBudget? budget, long reservation)
    {
        _reader = reader;
        Content = content;
        _budget = budget;
        _reservation = reservation;
    }

    public ReadOnlySequence<byte> Content { get; }

    public static bool IsJson(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var mediaType))
        {
            return false;
        }

        var charset = mediaType.Charset;
        if (charset.HasValue && !charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var type = mediaType.MediaType;
        return type.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || (type.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && type.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// Checks the content type and size, then waits for the whole body. A body over
    /// <see cref="BodyBudget.FreeBytes"/> reserves its bytes in the process's <see cref="BodyBudget"/>
    /// as they arrive, until <see cref="Release"/>; when the budget is spent the answer is 503.
    /// </summary>
    public static async ValueTask<(RequestBody Body, ApiProblem? Problem)> ReadJsonAsync(HttpContext context, long limit)
    {
        var request = context.Request;
        if (!IsJson(request.ContentType))
        {
            return (default, ApiProblem.UnsupportedMediaType());
        }

        if (request.ContentLength > limit)
        {
            return (default, ApiProblem.TooLarge(limit));
        }

        // Kestrel's own limit becomes this endpoint's, so a chunked body is cut off at the same size.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } maxSize)
        {
            maxSize.MaxRequestBodySize = limit;
        }

        var reader = request.BodyReader;
        BodyBudget? budget = null;
        long reservation = 0;
        var done = false;
        try
        {
            // A length given up front is reserved before a byte is read, so a body the budget
            // cannot take costs nothing; chunked bodies reserve as they arrive.
            if (request.ContentLength > BodyBudget.FreeBytes)
            {
                budget = context.RequestServices.GetRequiredService<BodyBudget>();
                if (!budget.TryCover(request.ContentLength.Value, ref reservation))
                {
                    return (default, Overloaded(context));
                }
            }

            while (true)
            {
                ReadResult result;
                try
                {
                    result = await reader.ReadAsync(context.RequestAborted);
                }
                catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
                {
                    return (default, ApiProblem.TooLarge(limit));
                }
                catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status400BadRequest)
                {
                    // The client closed the connection before sending the whole body: an ordinary
                    // event under load (a client timing out), not a server error worth a stack trace.
                    return (default, ApiProblem.BadRequest("The request body ended before the length given in Content-Length."));
                }

                var buffer = result.Buffer;
                if (buffer.Length > limit)
                {
                    reader.AdvanceTo(buffer.End);
                    return (default, ApiProblem.TooLarge(limit));
                }

                if (buffer.Length > BodyBudget.FreeBytes)
                {
                    budget ??= context.RequestServices.GetRequiredService<BodyBudget>();
                    if (!budget.TryCover(buffer.Length, ref reservation))
                    {
                        reader.AdvanceTo(buffer.End);
                        return (default, Overloaded(context));
                    }
                }

                if (result.IsCompleted)
                {
                    if (buffer.IsEmpty)
                    {
                        return Empty(reader, buffer);
                    }

                    done = true;
                    return (new RequestBody(reader, buffer, budget, reservation), null);
                }

                reader.AdvanceTo(buffer.Start, buffer.End);
            }
        }
        finally
        {
            if (!done)
            {
                budget?.Return(reservation);
            }
        }
    }

    /// <summary>Reads a small JSON object body; <paramref name="shape"/> tells the client what was expected.</summary>
    public static async ValueTask<(T? Value, ApiProblem? Problem)> ReadObjectAsync<T>(HttpContext context, long limit, JsonTypeInfo<T> type, string shape)
        where T : class
    {
        var (body, problem) = await ReadJsonAsync(context, limit);
        if (problem is not null)
        {
            return (null, problem);
        }

        T? value;
        try
        {
            var reader = new Utf8JsonReader(body.Content);
            value = JsonSerializer.Deserialize(ref reader, type);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: an escape that is not valid UTF-16 (a lone surrogate).
            value = null;
        }
        finally
        {
            body.Release();
        }

        return value is null ? (null, ApiProblem.BadRequest("The body must be a JSON object: " + shape)) : (value, null);
    }

    /// <summary>SHA-256 of the body: what tells an idempotent retry from a different request.</summary>
    public byte[] Hash()
    {
        if (Content.IsSingleSegment)
        {
            return SHA256.HashData(Content.FirstSpan);
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var segment in Content)
        {
            hash.AppendData(segment.Span);
        }

        return hash.GetHashAndReset();
    }

    /// <summary>Lets the pipe reuse the body's memory and gives its reservation back.</summary>
    public void Release()
    {
        _reader?.AdvanceTo(Content.End);
        _budget?.Return(_reservation);
    }

    private static ApiProblem Overloaded(HttpContext context)
    {
        context.Response.Headers.RetryAfter = "1";
        return ApiProblem.Unavailable("Too many large request bodies are arriving at once; nothing was accepted. Retry shortly.");
    }

    private static (RequestBody, ApiProblem?) Empty(PipeReader reader, ReadOnlySequence<byte> buffer)
    {
        reader.AdvanceTo(buffer.End);
        return (default, ApiProblem.BadRequest("The body is empty; send a JSON object."));
    }
}
