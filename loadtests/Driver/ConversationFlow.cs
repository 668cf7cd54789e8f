using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

namespace MessagingGateway.Driver;

/// <summary>The steps of one customer conversation, each recorded into its own histogram.</summary>
internal sealed class ConversationFlow(GatewayClient client, HandsetWatch watch, string channel, TimeSpan poll, TimeSpan timeout)
{
    private const string Amount = "24.95";

    public async Task<PaymentSupport> ProbePaymentsAsync(string address, CancellationToken cancellation)
    {
        var sent = await client.PostAsync("/v1/messages", GatewayClient.TextMessage(channel, address, "Uw bestelling"), authorize: true, cancellation);
        if (sent.Status != 202)
        {
            return new PaymentSupport(false, "not probed: the first send failed (" + sent + ")");
        }

        var conversation = sent.Text("conversationId");
        await watch.ReceivedAtAsync(address, sent.Text("id"), cancellation);
        var probe = await client.PostAsync($"/v1/conversations/{conversation}/payments", PaymentRequest(-1), authorize: true, cancellation);
        return probe.Status switch
        {
            404 or 405 => new PaymentSupport(false, $"skipped: endpoint not available yet ({probe.Status})"),
            201 or 200 => new PaymentSupport(true, "available"),
            _ => new PaymentSupport(false, "skipped: the payments probe failed: " + probe),
        };
    }

    /// <summary>Runs flow <paramref name="n"/>; returns what failed, or null.</summary>
    public async Task<string?> RunAsync(string address, int n, bool payments, Dictionary<string, LatencyRecorder> steps, CancellationToken cancellation)
    {
        var flowStarted = Stopwatch.GetTimestamp();
        var sent = await client.PostAsync("/v1/messages", GatewayClient.TextMessage(channel, address, $"Je bestelling F-{n} is onderweg. Wanneer mogen we bezorgen?"), authorize: true, cancellation);
        if (sent.Status != 202)
        {
            return sent.ToString();
        }

        steps["send"].Record(sent.Elapsed);
        var messageId = sent.Text("id");
        var conversation = sent.Text("conversationId");
        var acceptedAt = DateTimeOffset.Parse(sent.Text("acceptedAt"), CultureInfo.InvariantCulture);
        if (await watch.ReceivedAtAsync(address, messageId, cancellation) is not { } receivedAt)
        {
            return $"flow {n}: message {messageId} did not reach handset {address} within {timeout.TotalSeconds} s";
        }

        steps["sendToHandset"].Record(receivedAt - acceptedAt);

        var replyStarted = Stopwatch.GetTimestamp();
        var reply = await client.PostAsync($"/sandbox/handsets/{Uri.EscapeDataString(address)}/reply", new JsonObject { ["text"] = "Morgen na 12 uur graag" }, authorize: true, cancellation);
        if (reply.Status != 202)
        {
            return reply.ToString();
        }

        steps["reply"].Record(reply.Elapsed);
        if (!await UntilAsync(() => TimelineHasAsync(conversation, reply.Text("id"), cancellation), cancellation))
        {
            return $"flow {n}: reply {reply.Text("id")} did not show on conversation {conversation} within {timeout.TotalSeconds} s";
        }

        steps["replyVisible"].Record(Stopwatch.GetElapsedTime(replyStarted));
        if (payments && await PayAndRefundAsync(conversation, n, steps, cancellation) is { } failure)
        {
            return failure;
        }

        steps["flow"].Record(Stopwatch.GetElapsedTime(flowStarted));
        return null;
    }

    private async Task<string?> PayAndRefundAsync(string conversation, int n, Dictionary<string, LatencyRecorder> steps, CancellationToken cancellation)
    {
        var created = await client.PostAsync($"/v1/conversations/{conversation}/payments", PaymentRequest(n), authorize: true, cancellation, idempotencyKey: $"loadtest-pay-{conversation}-{n}");
        if (created.Status != 201)
        {
            return created.ToString();
        }

        steps["paymentCreate"].Record(created.Elapsed);
        var paymentId = created.Text("id");
        var checkoutStarted = Stopwatch.GetTimestamp();
        var checkout = await client.PostAsync($"/sandbox/checkout/{paymentId}", new JsonObject { ["outcome"] = "paid" }, authorize: false, cancellation);
        if (!checkout.IsSuccess)
        {
            return checkout.ToString();
        }

        steps["checkout"].Record(checkout.Elapsed);
        if (!await UntilAsync(async () => (string?)(await PaymentAsync(paymentId, cancellation))?["status"] == "paid", cancellation))
        {
            return $"payment {paymentId} was not paid within {timeout.TotalSeconds} s";
        }

        steps["paid"].Record(Stopwatch.GetElapsedTime(checkoutStarted));
        var refundStarted = Stopwatch.GetTimestamp();
        var refund = await client.PostAsync($"/v1/payments/{paymentId}/refunds", new JsonObject { ["description"] = "Load test refund" }, authorize: true, cancellation, idempotencyKey: $"loadtest-refund-{paymentId}");
        if (refund.Status != 201)
        {
            return refund.ToString();
        }

        steps["refundCreate"].Record(refund.Elapsed);
        if (!await UntilAsync(async () => IsZero((await PaymentAsync(paymentId, cancellation))?["amountRemaining"]?["value"]), cancellation))
        {
            return $"payment {paymentId} was not refunded within {timeout.TotalSeconds} s";
        }

        steps["refunded"].Record(Stopwatch.GetElapsedTime(refundStarted));
        return null;
    }

    private static JsonObject PaymentRequest(int n) => new()
    {
        ["amount"] = new JsonObject { ["currency"] = "EUR", ["value"] = Amount },
        ["description"] = n < 0 ? "Load test probe" : $"Order F-{n}",
        ["message"] = "Hier is je betaallink",
    };

    private static bool IsZero(JsonNode? value) =>
        decimal.TryParse((string?)value, NumberStyles.Number, CultureInfo.InvariantCulture, out var amount) && amount == 0;

    private async Task<JsonNode?> PaymentAsync(string paymentId, CancellationToken cancellation) =>
        (await client.GetAsync("/v1/payments/" + paymentId, authorize: true, cancellation)).Body;

    private async Task<bool> TimelineHasAsync(string conversation, string messageId, CancellationToken cancellation)
    {
        var page = await client.GetAsync($"/v1/conversations/{conversation}/messages?limit=50", authorize: true, cancellation);
        return page.Body?["items"] is JsonArray items && items.Any(item => (string?)item?["id"] == messageId);
    }

    private async Task<bool> UntilAsync(Func<Task<bool>> condition, CancellationToken cancellation)
    {
        var started = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(started) < timeout)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(poll, cancellation);
        }

        return false;
    }
}
