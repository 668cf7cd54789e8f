using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using Microsoft.AspNetCore.Connections;

namespace MessagingGateway.Gateway.Http;

/// <summary>
/// Gives Kestrel's own rejections a problem+json body. Kestrel answers requests it cannot parse
/// (a malformed request line, <c>%00</c> in the path, a target over 8 KiB, headers over 32 KiB, a
/// header or body timeout) itself, before any middleware runs, with an empty body; that category
/// is not customisable in ASP.NET Core. So the connection's output is watched instead: a response
/// written in one piece that is only a 4xx/5xx status line and headers with
/// <c>Content-Length: 0</c> and <c>Connection: close</c> (the shape of every such rejection, and
/// of nothing this API writes) is rewritten with the matching problem as its body.
/// </summary>
internal static class KestrelRejections
{
    /// <summary>The connection middleware (<c>ListenOptions.Use</c>).</summary>
    public static ConnectionDelegate Middleware(ConnectionDelegate next) => async connection =>
    {
        var transport = connection.Transport;
        connection.Transport = new WatchedPipe(transport.Input, new RejectionWriter(transport.Output));
        try
        {
            await next(connection);
        }
        finally
        {
            connection.Transport = transport;
        }
    };

    /// <summary>The problem Kestrel's rejection with <paramref name="status"/> stands for.</summary>
    public static ApiProblem ProblemFor(int status) => status switch
    {
        400 => ApiProblem.BadRequest("The HTTP request could not be read: a malformed request line or header, or a character not allowed in the path (such as %00)."),
        405 => ApiProblem.MethodNotAllowed(),
        408 => new(408, "request-timeout", "The request did not arrive in time.", "The headers or the body came too slowly; the connection was closed."),
        411 => new(411, "length-required", "The request needs a length.", "Send Content-Length or Transfer-Encoding: chunked with the body."),
        413 => new(413, "body-too-large", "The body is too large.", "The body exceeds the server's limit."),
        414 => new(414, "uri-too-long", "The request target is too long.", "The request line may be at most 8 KiB; move data into the body."),
        431 => new(431, "headers-too-large", "The request headers are too large.", "Headers may total at most 32 KiB and number at most 100."),
        505 => new(505, "http-version-not-supported", "HTTP version not supported.", "Use HTTP/1.1."),
        _ => new(status, "rejected", "The HTTP request was rejected.", null),
    };

    private sealed class WatchedPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }

    /// <summary>
    /// Passes everything through. Each <see cref="Advance"/> is checked (a prefix compare, so it
    /// costs nothing measurable) before it is handed on, while the bytes can still be replaced.
    /// </summary>
    private sealed class RejectionWriter(PipeWriter inner) : PipeWriter
    {
        private static readonly byte[] StatusLine = "HTTP/1.1 "u8.ToArray();
        private static readonly byte[] EmptyLength = "\r\nContent-Length: 0\r\n"u8.ToArray();
        private static readonly byte[] Close = "\r\nConnection: close\r\n"u8.ToArray();
        private static readonly byte[] HeadersEnd = "\r\n\r\n"u8.ToArray();

        // What the last GetMemory/GetSpan handed out, less what was advanced since: the bytes an
        // Advance refers to start here.
        private Memory<byte> _handedOut;

        public override bool CanGetUnflushedBytes => inner.CanGetUnflushedBytes;

        public override long UnflushedBytes => inner.UnflushedBytes;

        public override Memory<byte> GetMemory(int sizeHint = 0) => _handedOut = inner.GetMemory(sizeHint);

        public override Span<byte> GetSpan(int sizeHint = 0) => (_handedOut = inner.GetMemory(sizeHint)).Span;

        public override void Advance(int bytes)
        {
            if (bytes <= _handedOut.Length && bytes > StatusLine.Length + 4)
            {
                var written = _handedOut.Span[..bytes];
                if (written.StartsWith(StatusLine) && written[StatusLine.Length] is (byte)'4' or (byte)'5' && IsRejection(written))
                {
                    var status = ((written[9] - '0') * 100) + ((written[10] - '0') * 10) + (written[11] - '0');
                    var replacement = Rewrite(written, status);
                    _handedOut = default;
                    inner.Write(replacement);
                    return;
                }
            }

            _handedOut = bytes <= _handedOut.Length ? _handedOut[bytes..] : default;
            inner.Advance(bytes);
        }

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) => inner.FlushAsync(cancellationToken);

        public override void CancelPendingFlush() => inner.CancelPendingFlush();

        public override void Complete(Exception? exception = null) => inner.Complete(exception);

        public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);

        /// <summary>Only a header block, ending exactly here, saying no body and closing.</summary>
        private static bool IsRejection(ReadOnlySpan<byte> written) =>
            written.EndsWith(HeadersEnd)
            && written.IndexOf(HeadersEnd) == written.Length - HeadersEnd.Length
            && written.IndexOf(EmptyLength) >= 0
            && written.IndexOf(Close) >= 0
            && written.IndexOf("\r\nContent-Type:"u8) < 0;

        private static byte[] Rewrite(ReadOnlySpan<byte> headers, int status)
        {
            var body = new ArrayBufferWriter<byte>(512);
            using (var json = new Utf8JsonWriter(body))
            {
                ProblemWriter.Write(json, ProblemFor(status));
            }

            // Kestrel's headers without the empty length, then ours, then the problem.
            var at = headers.IndexOf(EmptyLength);
            var output = new ArrayBufferWriter<byte>(headers.Length + body.WrittenCount + 96);
            output.Write(headers[..(at + 2)]);
            output.Write(headers[(at + EmptyLength.Length)..^2]);
            output.Write("Content-Type: application/problem+json\r\nContent-Length: "u8);
            var length = body.WrittenCount.ToString(System.Globalization.CultureInfo.InvariantCulture);
            output.Write(System.Text.Encoding.ASCII.GetBytes(length));
            output.Write("\r\n\r\n"u8);
            output.Write(body.WrittenSpan);
            return output.WrittenSpan.ToArray();
        }
    }
}
