using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

// Bare Kestrel: read the whole body, answer 202 with a small JSON body. Any POST path is taken,
// so the wrk scripts that drive the gateway run unchanged against it.
var builder = WebApplication.CreateSlimBuilder(args);
builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
var app = builder.Build();

var accepted = """{"id":"00000000-0000-0000-0000-000000000000","status":"accepted"}"""u8.ToArray();

app.MapPost("/{**path}", async context =>
{
    var reader = context.Request.BodyReader;
    while (true)
    {
        var read = await reader.ReadAsync(context.RequestAborted);
        reader.AdvanceTo(read.Buffer.End);
        if (read.IsCompleted)
        {
            break;
        }
    }

    context.Response.StatusCode = StatusCodes.Status202Accepted;
    context.Response.ContentType = "application/json";
    context.Response.ContentLength = accepted.Length;
    await context.Response.BodyWriter.WriteAsync(accepted, context.RequestAborted);
});

app.MapGet("/health/ready", () => Results.Text("""{"status":"ready"}""", "application/json"));

await app.RunAsync();
