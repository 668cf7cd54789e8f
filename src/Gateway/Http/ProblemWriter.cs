using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace MessagingGateway.Gateway.Http;

/// <summary>Writes problems as <c>application/problem+json</c>, as a response or inside a batch result.</summary>
public static class ProblemWriter
{
    public const string ContentType = "application/problem+json";

    public static void Write(Utf8JsonWriter writer, ApiProblem problem)
    {
        writer.WriteStartObject();
        writer.WriteString("type"u8, problem.Type);
        writer.WriteString("title"u8, problem.Title);
        writer.WriteNumber("status"u8, problem.Status);
        if (problem.Detail is not null)
        {
            writer.WriteString("detail"u8, problem.Detail);
        }

        if (problem.Errors is { IsEmpty: false } errors)
        {
            writer.WriteStartObject("errors"u8);
            foreach (var (field, messages) in errors.Fields)
            {
                writer.WriteStartArray(field);
                foreach (var message in messages)
                {
                    writer.WriteStringValue(message);
                }

                writer.WriteEndArray();
            }

            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    public static async Task WriteAsync(HttpContext context, ApiProblem problem)
    {
        var response = context.Response;
        response.StatusCode = problem.Status;
        response.ContentType = ContentType;
        if (problem.Status == StatusCodes.Status401Unauthorized)
        {
            response.Headers.WWWAuthenticate = "Bearer";
        }

        using (var writer = new Utf8JsonWriter(response.BodyWriter, ApiJsonWriter.Options))
        {
            Write(writer, problem);
        }

        await response.BodyWriter.FlushAsync(context.RequestAborted);
    }
}
