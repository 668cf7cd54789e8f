using Microsoft.Extensions.Logging;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace MessagingGateway.Channels.Http;

/// <summary>
/// One send to a provider through a client registered by <see cref="ProviderHttpClients"/>: the
/// request is tagged with its channel account, so the account's own circuit breaker judges it,
/// and what can go wrong before an answer arrives becomes a transient <see cref="ProviderReply"/>
/// here, once for every connector.
/// </summary>
public static partial class ProviderExchange
{
    /// <summary>Sends <paramref name="request"/> for <paramref name="accountId"/>; never throws for the provider's failures, only for <paramref name="cancellationToken"/>.</summary>
    /// <param name="provider">The provider's name, for the log ("WhatsApp").</param>
    public static async Task<ProviderReply> SendAsync(HttpClient http, HttpRequestMessage request, string provider, string accountId, Guid messageId, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(request);
        request.Options.Set(ProviderHttpClients.AccountOption, accountId);
        try
        {
            return new ProviderReply(await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken), null, null);
        }
        catch (HttpRequestException e)
        {
            LogUnreachable(logger, messageId, provider, e.HttpRequestError);
            return ProviderReply.Failed("connection_failed");
        }
        catch (BrokenCircuitException e)
        {
            // Nothing went out: the account's recent calls failed, so this one waits for the breaker.
            LogCircuitOpen(logger, messageId, provider, accountId);
            return ProviderReply.Failed("circuit_open", e.RetryAfter);
        }
        catch (Exception e) when (e is TimeoutRejectedException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // The request may have been sent: the dispatcher decides whether to try again.
            LogTimedOut(logger, messageId, provider);
            return ProviderReply.Failed("timeout");
        }
    }

    /// <summary>The answer's <c>Retry-After</c> as a wait from now, if it has one.</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(response);
        return response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - (time ?? TimeProvider.System).GetUtcNow() is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
            _ => null,
        };
    }

    [LoggerMessage(EventId = 4201, Level = LogLevel.Warning, Message = "Message {MessageId}: {Provider} could not be reached ({Error})")]
    private static partial void LogUnreachable(ILogger logger, Guid messageId, string provider, HttpRequestError error);

    [LoggerMessage(EventId = 4202, Level = LogLevel.Warning, Message = "Message {MessageId}: {Provider} did not answer in time; it may have been sent")]
    private static partial void LogTimedOut(ILogger logger, Guid messageId, string provider);

    [LoggerMessage(EventId = 4203, Level = LogLevel.Warning, Message = "Message {MessageId}: not sent, {Provider} account {AccountId}'s circuit is open after repeated failures")]
    private static partial void LogCircuitOpen(ILogger logger, Guid messageId, string provider, string accountId);
}
