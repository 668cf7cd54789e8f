using MessagingGateway.Core.Diagnostics;
using MessagingGateway.Core.Log;
using MessagingGateway.Core.Model;
using MessagingGateway.Core.Payments;
using MessagingGateway.Core.Store;
using MessagingGateway.Core.Validation;
using MessagingGateway.Gateway.Http;
using MessagingGateway.Gateway.Messages;
using MessagingGateway.Gateway.Tenants;
using MessagingGateway.Payments;
using MessagingGateway.Payments.Providers;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace MessagingGateway.Gateway.Payments;

/// <summary>
/// Payments bound to a conversation: create one at the tenant's provider and send its link into
/// the conversation, read them, and refund them. Ids are reserved before the provider is called
/// and the provider gets an idempotency key derived from them, so a retry (same
/// <c>Idempotency-Key</c>) after a crash finds the same payment or refund, never a second one.
/// Refunds reserve their amount with a compare-and-set on the payment, so concurrent refunds
/// can never together exceed what was paid.
/// </summary>
internal sealed partial class PaymentsApi(
    IConversationStore conversations,
    IPaymentStore payments,
    PaymentAccounts accounts,
    RefundSubmission refunds,
    MessageIntake intake,
    IdempotencyGate idempotency,
    PublicAddress publicAddress,
    TimeProvider time,
    ILogger<PaymentsApi> logger)
{
    private const long MaxBodyBytes = 16 * 1024;
    private const int MaxDescription = 255;
    private const int MaxRefundDescription = 140;
    private const int MaxMessage = 1000;
    private const string CreateOperation = "payments.create";
    private const string RefundOperation = "payments.refund";

    public async Task CreateAsync(HttpContext context, string conversationId)
    {
        var tenant = context.Tenant();
        var conversation = ConversationKey.IsWellFormed(conversationId) ? await conversations.GetConversationAsync(conversationId, context.RequestAborted) : null;
        if (conversation is null || conversation.TenantId != tenant.Id)
        {
            await ProblemWriter.WriteAsync(context, ApiProblem.NotFound($"No conversation with id '{conversationId}'."));
            return;
        }

        if (!IdempotencyHttp.TryReadKey(context, out var key, out var problem))
        {
            await ProblemWriter.WriteAsync(context, problem!);
            return;
        }

        var (request, hash, bodyProblem) = await ReadAsync(context, ApiJsonContext.Default.PaymentRequest, "{ \"amount\": { \"currency\": \"EUR\", \"value\": \"24.95\" }, \"description\": \"…\" }.");
        if (request is null)
        {
            await ProblemWriter.WriteAsync(context, bodyProblem!);
            return;
        }

        var now = time.GetUtcNow();
        var errors = new ValidationErrors();
        var amount = ValidAmount(request.Amount, "amount", errors, required: true);
        if (string.IsNullOrWhiteSpace(request.Description) || request.Description.Length > MaxDescription)
        {
            errors.Add("description", $"is required, at most {MaxDescription} characters");
        }

        if (request.ExpiresAt is { } expires && expires <= now)
        {
            errors.Add("expiresAt", "must be in the future");
        }

        if (request.Message is { Length: > MaxMessage })
        {
            errors.Add("message", $"must be at most {MaxMessage} characters");
        }

        if (!errors.IsEmpty || amount is null)
        {
            await ProblemWriter.WriteAsync(context, ApiProblem.Validation(errors));
            return;
        }

        var account = accounts.For(tenant.Id);
        if (accounts.Provider(account.Provider) is not { } provider)
        {
            await ProblemWriter.WriteAsync(context, ApiProblem.Unavailable($"The payment provider '{account.Provider}' is not configured on this gateway."));
            return;
        }

        Guid[] ids = [Guid.CreateVersion7(now), Guid.CreateVersion7(now)];
        IdempotencyRecord? claim = null;
        var replayed = false;
        if (key is not null)
        {
            var decision = await idempotency.EnterAsync(new IdempotencyRecord(tenant.Id, key, CreateOperation, hash, now, ids), context.RequestAborted);
            if (await IdempotencyHttp.AnsweredAsync(context, decision))
            {
                return;
            }

            claim = decision.Record!;
            ids = [.. claim.MessageIds];
            now = claim.CreatedAt;
            replayed = decision.Outcome == IdempotencyOutcome.TakeOver;
        }

        var paymentId = "pay_" + ids[0].ToString("N");
        try
        {
            var record = new PaymentRecord(paymentId, tenant.Id, conversation.Id, provider.Name, null, "open", amount.Value.Currency, amount.Value.MinorUnits, 0,
                request.Description!, null, ids[1], now, request.ExpiresAt, null, now, 1,
                publicAddress.Resolve("payments/return").ToString(),
                provider.Name == "mollie" ? publicAddress.Webhook("webhooks/payments/mollie") : null);
            if (!await payments.InsertPaymentAsync(record, CancellationToken.None))
            {
                record = await payments.GetPaymentAsync(paymentId, CancellationToken.None) ?? record; // taken over after a crash
            }

            if (record.ProviderPaymentId is null)
            {
                ProviderPayment created;
                try
                {
                    // Everything from the stored record: a retry after a crash sends the same request under the same key.
                    created = await provider.CreatePaymentAsync(accounts.CredentialsOf(tenant.Id), new NewProviderPayment(
                        paymentId, new Amount(record.Currency, record.AmountMinor), record.Description,
                        record.RedirectUrl ?? publicAddress.Resolve("payments/return").ToString(), record.WebhookUrl,
                        record.ExpiresAt,
                        new Dictionary<string, string>(StringComparer.Ordinal) { ["paymentId"] = paymentId, ["conversationId"] = record.ConversationId }),
                        CancellationToken.None);
                }
                catch (PaymentProviderException ex)
                {
                    LogProviderFailed(provider.Name, paymentId, ex.Status, ex.Title);
                    if (!ex.IsTransient && claim is not null)
                    {
                        await idempotency.AbandonAsync(claim);
                        claim = null;
                    }

                    await ProblemWriter.WriteAsync(context, ProviderProblem(ex));
                    return;
                }

                var updated = record with { ProviderPaymentId = created.Id, CheckoutUrl = created.CheckoutUrl, Version = record.Version + 1 };
                if (!await payments.TryUpdatePaymentAsync(updated, record.Version, CancellationToken.None))
                {
                    updated = await payments.GetPaymentAsync(paymentId, CancellationToken.None) ?? updated;
                }

                record = updated;
                GatewayMetrics.PaymentsCreated.Add(1, new KeyValuePair<string, object?>("provider", provider.Name));
            }

            // The link goes into the conversation like any message (its id dedupes a second append).
            var link = new Message
            {
                Id = record.MessageId,
                TenantId = tenant.Id,
                ConversationId = conversation.Id,
                Channel = conversation.Channel,
                Direction = MessageDirection.Outbound,
                From = conversation.BusinessAddress,
                To = conversation.CustomerAddress,
                Content = new MessageContent
                {
                    Type = "payment",
                    PaymentId = paymentId,
                    Amount = new MoneyAmount(amount.Value.Currency, amount.Value.FormatValue()),
                    Description = record.Description,
                    Url = record.CheckoutUrl,
                    Text = request.Message ?? account.Texts.LinkText(),
                },
                AcceptedAt = now,
            };
            try
            {
                await intake.AcceptAsync([link], CancellationToken.None);
            }
            catch (LogUnavailableException)
            {
                context.Response.Headers.RetryAfter = "5";
                await ProblemWriter.WriteAsync(context, ApiProblem.Unavailable("The payment was created, but its link could not be sent yet; retry with the same Idempotency-Key."));
                return;
            }

            var response = JsonResponse.Serialize(record, static (writer, payment) => PaymentJson.WritePayment(writer, payment, null));
            var location = "/v1/payments/" + paymentId;
            if (claim is not null)
            {
                await idempotency.CompleteAsync(claim with { StatusCode = StatusCodes.Status201Created, ResponseBody = response, Location = location });
                claim = null;
            }

            context.Response.Headers.Location = location;
            if (replayed)
            {
                context.Response.Headers["Idempotent-Replayed"] = "true";
            }

            await JsonResponse.WriteBytesAsync(context, StatusCodes.Status201Created, response);
        }
        finally
        {
            if (claim is not null)
            {
                idempotency.Leave(claim);
            }
        }
    }

    public async Task GetAsync(HttpContext context, string paymentId)
    {
        if (await FindAsync(context, paymentId) is not { } payment)
        {
            return;
        }

        var refunds = await payments.ListRefundsAsync(payment.Id, context.RequestAborted);
        var writer = JsonResponse.Start(context, StatusCodes.Status200OK);
        PaymentJson.WritePayment(writer, payment, refunds);
        await JsonResponse.FinishAsync(context, writer);
    }

    public async Task ListAsync(HttpContext context, string conversationId)
    {
        var tenant = context.Tenant();
        var conversation = ConversationKey.IsWellFormed(conversationId) ? await conversations.GetConversationAsync(conversationId, context.RequestAborted) : null;
        if (conversation is null || conversation.TenantId != tenant.Id)
        {
            await ProblemWriter.WriteAsync(context, ApiProblem.NotFound($"No conversation with id '{conversationId}'."));
            return;
        }

        var limit = PageRequest.DefaultLimit;
        if (context.Request.Query.TryGetValue("limit", out var limitText)
            && (!int.TryParse(limitText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out limit) || limit is < 1 or > PageRequest.MaxLimit))
        {
            await ProblemWriter.WriteAsync(context, ApiProblem.Field("limit", $"must be a whole number from 1 to {PageRequest.MaxLimit}"));
            return;
        }

        string? cursor = context.Request.Query["cursor"];
        var page = await payments.ListPaymentsAsync(conversation.Id, cursor, limit + 1, context.RequestAborted);
        var count = Math.Min(page.Count, limit);
        var writer = JsonResponse.Start(context, StatusCodes.Status200OK);
        writer.WriteStartObject();
        writer.WriteStartArray("items"u8);
        for (var i = 0; i < count; i++)
        {
            PaymentJson.WritePayment(writer, page[i], null);
        }

        writer.WriteEndArray();
        if (page.Count > limit)
        {
            writer.WriteString("nextCursor"u8, page[count - 1].Id);
        }
        else
        {
            writer.WriteNull("nextCursor"u8);
        }

        writer.WriteEndObject();
        await JsonResponse.FinishAsync(context, writer);
    }

    public async Task ListRefundsAsync(HttpContext context, string paymentId)
    {
        if (await FindAsync(context, paymentId) is not { } payment)
        {
            return;
        }

        var refunds = await payments.ListRefundsAsync(payment.Id, context.RequestAborted);
        var writer = JsonResponse.Start(context, StatusCodes.Status200OK);
        writer.WriteStartObject();
        writer.WriteStartArray("items"u8);
        foreach (var refund in refunds)
        {
            PaymentJson.WriteRefund(writer, refund);
        }

        writer.WriteEndArray();
        writer.WriteNull("nextCursor"u8);
        writer.WriteEndObject();
        await JsonResponse.FinishAsync(context, writer);
    }

    public async Task RefundAsync(HttpContext context, string paymentId)
    {
        var tenant = context.Tenant();
        if (await FindAsync(context, paymentId) is not { } payment)
        {
            return;
        }

        if (!IdempotencyHttp.TryReadKey(context, out var key, out var problem))
        {
            await ProblemWriter.WriteAsync(context, problem!);
            return;
        }

        var (request, hash, bodyProblem) = await ReadAsync(context, ApiJsonContext.Default.RefundRequest, "{ \"amount\": { \"currency\": \"EUR\", \"value\": \"5.00\" }, \"description\": \"…\" } (no amount: the whole remainder).");
        if (request is null)
        {
            await ProblemWriter.WriteAsync(context, bodyProblem!);
            return;
        }

        var errors = new ValidationErrors();
        var amount = ValidAmount(request.Amount, "amount", errors, required: false);
        if (request.Description is { Length: > MaxRefundDescription })
        {
            errors.Add("description", $"must be at most {MaxRefundDescription} characters");
        }

        if (amount is { } asked && asked.Currency != payment.Currency)
        {
            errors.Add("amount.currency", $"must be the payment's currency, {payment.Currency}");
        }

        if (!errors.IsEmpty)
        {
            await ProblemWriter.WriteAsync(context, ApiProblem.Validation(errors));
            return;
        }

        var now = time.GetUtcNow();
        Guid[] ids = [Guid.CreateVersion7(now)];
        IdempotencyRecord? claim = null;
        var replayed = false;
        if (key is not null)
        {
            var decision = await idempotency.EnterAsync(new IdempotencyRecord(tenant.Id, key, RefundOperation, hash, now, ids), context.RequestAborted);
            if (await IdempotencyHttp.AnsweredAsync(context, decision))
            {
                return;
            }

            claim = decision.Record!;
            ids = [.. claim.MessageIds];
            now = claim.CreatedAt;
            replayed = decision.Outcome == IdempotencyOutcome.TakeOver;
        }

        var refundId = "rfd_" + ids[0].ToString("N");
        try
        {
            var refund = await payments.GetRefundAsync(payment.Id, refundId, CancellationToken.None);
            if (refund is null)
            {
                var (outcome, reserved, current) = await RefundReservations.ReserveAsync(payments, payment.Id, amount?.MinorUnits, CancellationToken.None);
                if (Refusal(outcome, current) is { } refusal)
                {
                    if (claim is not null)
                    {
                        await idempotency.AbandonAsync(claim);
                        claim = null;
                    }

                    await ProblemWriter.WriteAsync(context, refusal);
                    return;
                }

                refund = new RefundRecord(refundId, payment.Id, tenant.Id, payment.ConversationId, null, "queued", payment.Currency, reserved, request.Description, now, now);
                await payments.PutRefundAsync(refund, CancellationToken.None);
            }

            if (refund.ProviderRefundId is null && !refund.Released)
            {
                try
                {
                    refund = await refunds.SubmitAsync(payment, refund, CancellationToken.None);
                }
                catch (PaymentProviderException ex)
                {
                    // Refused: failed and its amount free again (a new request may start afresh).
                    // Transient: maybe created, maybe not; the amount stays reserved and a retry with
                    // the same Idempotency-Key (or the next re-fetch round) sends it with the same key.
                    LogProviderFailed(payment.Provider, refundId, ex.Status, ex.Title);
                    if (!ex.IsTransient && claim is not null)
                    {
                        await idempotency.AbandonAsync(claim);
                        claim = null;
                    }

                    await ProblemWriter.WriteAsync(context, ProviderProblem(ex));
                    return;
                }
            }

            var response = JsonResponse.Serialize(refund, static (writer, refund) => PaymentJson.WriteRefund(writer, refund));
            if (claim is not null)
            {
                await idempotency.CompleteAsync(claim with { StatusCode = StatusCodes.Status201Created, ResponseBody = response });
                claim = null;
            }

            if (replayed)
            {
                context.Response.Headers["Idempotent-Replayed"] = "true";
            }

            await JsonResponse.WriteBytesAsync(context, StatusCodes.Status201Created, response);
        }
        finally
        {
            if (claim is not null)
            {
                idempotency.Leave(claim);
            }
        }
    }

    private static ApiProblem? Refusal(RefundReservation outcome, PaymentRecord? payment)
    {
        var left = payment is null ? null : (Amount?)new Amount(payment.Currency, Math.Max(0, payment.AmountMinor - payment.RefundedMinor));
        return outcome switch
        {
            RefundReservation.Reserved => null,
            RefundReservation.NotPaid => ApiProblem.Field("payment", $"is {payment?.Status ?? "unknown"}; only a paid payment can be refunded"),
            RefundReservation.Nothing when left is { MinorUnits: > 0 } => ApiProblem.Field("amount", "must be more than zero"),
            _ => ApiProblem.Field("amount", $"is more than the amountRemaining of {left?.Currency} {left?.FormatValue()}"),
        };
    }

    private async Task<PaymentRecord?> FindAsync(HttpContext context, string paymentId)
    {
        var tenant = context.Tenant();
        var payment = paymentId.StartsWith("pay_", StringComparison.Ordinal) && paymentId.Length < 64 ? await payments.GetPaymentAsync(paymentId, context.RequestAborted) : null;
        if (payment is null || payment.TenantId != tenant.Id)
        {
            await ProblemWriter.WriteAsync(context, ApiProblem.NotFound($"No payment with id '{paymentId}'."));
            return null;
        }

        return payment;
    }

    private static Amount? ValidAmount(AmountBody? body, string field, ValidationErrors errors, bool required)
    {
        if (body is null)
        {
            if (required)
            {
                errors.Add(field, "is required: { \"currency\": \"EUR\", \"value\": \"24.95\" }");
            }

            return null;
        }

        if (!Amount.TryParse(body.Currency, body.Value, out var amount, out var error))
        {
            errors.Add(field, error);
            return null;
        }

        if (amount.MinorUnits == 0)
        {
            errors.Add(field + ".value", "must be more than zero");
            return null;
        }

        return amount;
    }

    private static ApiProblem ProviderProblem(PaymentProviderException ex) => ex.IsTransient
        ? ApiProblem.Unavailable($"The payment provider did not answer in time or is busy ({(ex.Status == 0 ? "unreachable" : "HTTP " + ex.Status)}); nothing was charged twice. Retry with the same Idempotency-Key.")
        : ex.Status is 401 or 403
            ? new ApiProblem(502, "provider-credentials", "The payment provider refused this tenant's credentials.", "Check the provider key configured for this tenant.")
            : new ApiProblem(422, "provider-refused", "The payment provider refused the request.", ex.Detail ?? ex.Title, ex.Field is null ? null : FieldError(ex.Field, ex.Detail ?? ex.Title));

    private static ValidationErrors FieldError(string field, string message)
    {
        var errors = new ValidationErrors();
        errors.Add(field, message);
        return errors;
    }

    /// <summary>The JSON body and its hash (what tells an idempotent retry from a different request).</summary>
    private static async Task<(T? Value, byte[] Hash, ApiProblem? Problem)> ReadAsync<T>(HttpContext context, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, string shape)
        where T : class
    {
        var (body, problem) = await RequestBody.ReadJsonAsync(context, MaxBodyBytes);
        if (problem is not null)
        {
            return (null, [], problem);
        }

        try
        {
            var hash = body.Hash();
            T? value;
            try
            {
                var reader = new System.Text.Json.Utf8JsonReader(body.Content);
                value = System.Text.Json.JsonSerializer.Deserialize(ref reader, type);
            }
            catch (System.Text.Json.JsonException ex) when (ex.Path is { Length: > 2 } path && ex.InnerException is InvalidOperationException)
            {
                // Well-formed JSON with a wrong type (a number where the API wants a string, as Mollie does for amounts).
                return (null, hash, ApiProblem.Field(path[2..], "has the wrong JSON type (amount values are strings such as \"24.95\")"));
            }
            catch (Exception ex) when (ex is System.Text.Json.JsonException or InvalidOperationException)
            {
                value = null;
            }

            return value is null ? (null, hash, ApiProblem.BadRequest("The body must be a JSON object: " + shape)) : (value, hash, null);
        }
        finally
        {
            body.Release();
        }
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "Provider {Provider} failed for {Id}: HTTP {Status} {Title}")]
    private partial void LogProviderFailed(string provider, string id, int status, string title);
}
