using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using MessagingGateway.Payments.Providers;
using Polly.Timeout;

namespace MessagingGateway.Payments.Mollie;

/// <summary>
/// Mollie's Payments and Refunds API (v2). One client serves every tenant: each call carries the
/// tenant's key as <c>Authorization: Bearer …</c>, and the key never appears in an exception.
/// <see cref="HttpClient.BaseAddress"/> is the API base (<c>https://api.mollie.com/v2/</c>); retries
/// and timeouts come from the handler <see cref="MollieServiceCollectionExtensions.AddMollieClient"/> adds.
/// Every POST carries the caller's idempotency key, so a retry replays instead of creating twice.
/// </summary>
public sealed class MollieClient(HttpClient http) : IPaymentProvider
{
    /// <summary>Mollie's limit for a payment description; longer ones are cut, not rejected.</summary>
    public const int MaxDescriptionLength = 255;

    /// <summary>Mollie's limit for a refund description.</summary>
    public const int MaxRefundDescriptionLength = 140;

    private const int RefundPageSize = 250;

    // A guard against a provider whose next link never ends: 1,000 pages of 250 is far beyond any payment.
    private const int MaxRefundPages = 1000;

    private const string Unreadable = "Mollie's response could not be read";

    public string Name => "mollie";

    public async ValueTask<ProviderPayment> CreatePaymentAsync(ProviderCredentials credentials, NewProviderPayment payment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payment);
        var body = new MolliePaymentRequest
        {
            Amount = ToWire(payment.Amount),
            Description = Truncate(payment.Description, MaxDescriptionLength),
            RedirectUrl = payment.RedirectUrl,
            WebhookUrl = payment.WebhookUrl,
            ExpiresAt = payment.ExpiresAt?.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
            Metadata = payment.Metadata.Count == 0 ? null : payment.Metadata,
        };

        using var request = NewRequest(HttpMethod.Post, new Uri("payments", UriKind.Relative), credentials);
        request.Headers.Add("Idempotency-Key", payment.IdempotencyKey);
        request.Content = JsonBody(body, MollieJsonContext.Default.MolliePaymentRequest);
        using var response = await SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw await ProblemAsync(response, credentials, cancellationToken);
        }

        return ToPayment(await ReadAsync(response, MollieJsonContext.Default.MolliePayment, cancellationToken));
    }

    public async ValueTask<ProviderPayment?> GetPaymentAsync(ProviderCredentials credentials, string paymentId, CancellationToken cancellationToken)
    {
        using var request = NewRequest(HttpMethod.Get, PaymentUri(paymentId, string.Empty), credentials);
        using var response = await SendAsync(request, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        if (!response.IsSuccessStatusCode)
        {
            throw await ProblemAsync(response, credentials, cancellationToken);
        }

        return ToPayment(await ReadAsync(response, MollieJsonContext.Default.MolliePayment, cancellationToken));
    }

    public async ValueTask<ProviderRefund> CreateRefundAsync(ProviderCredentials credentials, string paymentId, NewProviderRefund refund, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(refund);
        var body = new MollieRefundRequest
        {
            Amount = ToWire(refund.Amount),
            Description = refund.Description is null ? null : Truncate(refund.Description, MaxRefundDescriptionLength),
            Metadata = refund.Metadata.Count == 0 ? null : refund.Metadata,
        };

        using var request = NewRequest(HttpMethod.Post, PaymentUri(paymentId, "/refunds"), credentials);
        request.Headers.Add("Idempotency-Key", refund.IdempotencyKey);
        request.Content = JsonBody(body, MollieJsonContext.Default.MollieRefundRequest);
        using var response = await SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw await ProblemAsync(response, credentials, cancellationToken);
        }

        return ToRefund(await ReadAsync(response, MollieJsonContext.Default.MollieRefund, cancellationToken), paymentId);
    }

    public async ValueTask<IReadOnlyList<ProviderRefund>> ListRefundsAsync(ProviderCredentials credentials, string paymentId, CancellationToken cancellationToken)
    {
        var refunds = new List<ProviderRefund>();
        var uri = PaymentUri(paymentId, "/refunds?limit=" + RefundPageSize.ToString(CultureInfo.InvariantCulture));
        for (var page = 1; ; page++)
        {
            using var request = NewRequest(HttpMethod.Get, uri, credentials);
            using var response = await SendAsync(request, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw await ProblemAsync(response, credentials, cancellationToken);
            }

            var wire = await ReadAsync(response, MollieJsonContext.Default.MollieRefundPage, cancellationToken);
            foreach (var refund in wire.Embedded?.Refunds ?? [])
            {
                refunds.Add(ToRefund(refund, paymentId));
            }

            if (wire.Links?.Next?.Href is not { } next)
            {
                return refunds;
            }

            if (page == MaxRefundPages)
            {
                throw new PaymentProviderException(502, Unreadable, $"The refund list did not end after {MaxRefundPages} pages.");
            }

            uri = NextPage(next);
        }
    }

    private static HttpRequestMessage NewRequest(HttpMethod method, Uri uri, ProviderCredentials credentials)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        var key = credentials.ApiKey;

        // A key with spaces or control characters would fail inside HttpClient, whose message we do not control.
        if (key.Length == 0 || key.AsSpan().ContainsAnyExceptInRange('!', '~'))
        {
            throw new ArgumentException("The Mollie API key is empty or holds characters a key never has.", nameof(credentials));
        }

        var request = new HttpRequestMessage(method, uri);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/hal+json"));
        return request;
    }

    private static Uri PaymentUri(string paymentId, string rest)
    {
        ArgumentException.ThrowIfNullOrEmpty(paymentId);
        return new Uri("payments/" + Uri.EscapeDataString(paymentId) + rest, UriKind.Relative);
    }

    /// <summary>Only links under the API base are followed, so the key is never sent anywhere else.</summary>
    private Uri NextPage(string href)
    {
        if (Uri.TryCreate(href, UriKind.Absolute, out var next) && http.BaseAddress is { } baseAddress && baseAddress.IsBaseOf(next))
        {
            return next;
        }

        throw new PaymentProviderException(502, Unreadable, "The refund list's next link does not point into the API.");
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            return await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutRejectedException
                                      || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new PaymentProviderException(
                0,
                "Mollie could not be reached",
                "The connection failed or timed out before Mollie answered; retry with the same idempotency key.",
                inner: e);
        }
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, JsonTypeInfo<T> type, CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            return await JsonSerializer.DeserializeAsync(stream, type, cancellationToken)
                ?? throw new PaymentProviderException(502, Unreadable, "The body was JSON null.");
        }
        catch (JsonException e)
        {
            throw new PaymentProviderException(502, Unreadable, "The body is not the JSON Mollie documents.", inner: e);
        }
    }

    /// <summary>Mollie's problem JSON as an exception; anything echoing the key is masked.</summary>
    private static async Task<PaymentProviderException> ProblemAsync(HttpResponseMessage response, ProviderCredentials credentials, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        MollieProblem? problem = null;
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            problem = await JsonSerializer.DeserializeAsync(stream, MollieJsonContext.Default.MollieProblem, cancellationToken);
        }
        catch (JsonException)
        {
            // Not problem JSON (a proxy's HTML page, say): the status alone says what happened.
        }

        var title = Mask(problem?.Title, credentials) ?? Mask(response.ReasonPhrase, credentials) ?? "HTTP " + status.ToString(CultureInfo.InvariantCulture);
        return new PaymentProviderException(status, title, Mask(problem?.Detail, credentials), Mask(problem?.Field, credentials));
    }

    private static string? Mask(string? text, ProviderCredentials credentials) =>
        string.IsNullOrEmpty(text) ? null : text.Replace(credentials.ApiKey, credentials.ToString(), StringComparison.Ordinal);

    private static ByteArrayContent JsonBody<T>(T value, JsonTypeInfo<T> type)
    {
        // Bytes, not a stream, so that a retry sends exactly the same body again.
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(value, type));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    private static MollieAmount ToWire(Amount amount) => new() { Currency = amount.Currency, Value = amount.FormatValue() };

    private static string Truncate(string text, int maxLength)
    {
        if (text.Length <= maxLength)
        {
            return text;
        }

        // Never cut a surrogate pair in half.
        return text[..(char.IsHighSurrogate(text[maxLength - 1]) ? maxLength - 1 : maxLength)];
    }

    private static ProviderPayment ToPayment(MolliePayment wire)
    {
        if (wire.Id is null || !PaymentWireNames.TryParsePayment(wire.Status, out var status) || wire.CreatedAt is not { } createdAt)
        {
            throw new PaymentProviderException(502, Unreadable, "A payment lacks its id, a known status or createdAt.");
        }

        return new ProviderPayment(
            wire.Id,
            status.Value,
            ToAmount(wire.Amount, "amount"),
            wire.Description ?? string.Empty,
            wire.Links?.Checkout?.Href,
            wire.AmountRefunded is null ? null : ToAmount(wire.AmountRefunded, "amountRefunded"),
            wire.AmountRemaining is null ? null : ToAmount(wire.AmountRemaining, "amountRemaining"),
            createdAt,
            wire.PaidAt,
            wire.ExpiresAt,
            ToMetadata(wire.Metadata));
    }

    private static ProviderRefund ToRefund(MollieRefund wire, string paymentId)
    {
        if (wire.Id is null || !PaymentWireNames.TryParseRefund(wire.Status, out var status) || wire.CreatedAt is not { } createdAt)
        {
            throw new PaymentProviderException(502, Unreadable, "A refund lacks its id, a known status or createdAt.");
        }

        return new ProviderRefund(
            wire.Id,
            wire.PaymentId ?? paymentId,
            status.Value,
            ToAmount(wire.Amount, "amount"),
            wire.Description,
            createdAt,
            ToMetadata(wire.Metadata));
    }

    private static Amount ToAmount(MollieAmount? wire, string field) =>
        Amount.TryParse(wire?.Currency, wire?.Value, out var amount, out var error)
            ? amount
            : throw new PaymentProviderException(502, Unreadable, $"{field}: {error}.");

    /// <summary>Metadata is any JSON to Mollie; ours is an object of strings, and anything else is ignored.</summary>
    private static Dictionary<string, string> ToMetadata(JsonElement? metadata)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (metadata is { ValueKind: JsonValueKind.Object } element)
        {
            foreach (var property in element.EnumerateObject())
            {
                if (property.Value.ValueKind == JsonValueKind.String)
                {
                    result[property.Name] = property.Value.GetString()!;
                }
            }
        }

        return result;
    }
}
