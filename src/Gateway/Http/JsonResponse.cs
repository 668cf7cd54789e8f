using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace MessagingGateway.Gateway.Http;

/// <summary>Writes JSON response bodies straight into the response pipe.</summary>
internal static class JsonResponse
{
    public const string ContentType = "application/json; charset=utf-8";

    public static Utf8JsonWriter Start(HttpContext context, int status)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = ContentType;
        return new Utf8JsonWriter(context.Response.BodyWriter, ApiJsonWriter.Options);
    }

    public static async Task FinishAsync(HttpContext context, Utf8JsonWriter writer)
    {
        await writer.FlushAsync(context.RequestAborted);
        await writer.DisposeAsync();
        await context.Response.BodyWriter.FlushAsync(context.RequestAborted);
    }

    /// <summary>Writes an already serialised body (a replayed or just-built response).</summary>
    public static async Task WriteBytesAsync(HttpContext context, int status, ReadOnlyMemory<byte> body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = ContentType;
        context.Response.ContentLength = body.Length;
        await context.Response.BodyWriter.WriteAsync(body, context.RequestAborted);
    }

    public static byte[] Serialize<TState>(TState state, Action<Utf8JsonWriter, TState> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, ApiJsonWriter.Options))
        {
            write(writer, state);
        }

        return buffer.WrittenSpan.ToArray();
    }
}
