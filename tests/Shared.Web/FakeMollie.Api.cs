using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace MessagingGateway.Tests.Shared;

// The endpoints: POST/GET /v2/payments[/{id}], POST/GET /v2/payments/{id}/refunds[/{re}]. Everything
// here runs under FakeMollie's lock.
public sealed partial class FakeMollie
{
    private const int MaxDescriptionLength = 255;
    private const int MaxRefundDescriptionLength = 140;
    private const int MaxMetadataLength = 1024;
    private const int DefaultPageSize = 50;
    private const int MaxLimit = 250;
    private const string IdAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private const string Unprocessable = "Unprocessable Entity";

    private static readonly TimeSpan DefaultExpiry = TimeSpan.FromMinutes(15);
    private static readonly HashSet<string> PaymentStatuses = new(["open", "pending", "authorized", "paid", "canceled", "expired", "failed"], StringComparer.Ordinal);
    private static readonly HashSet<string> RefundStatuses = new(["queued", "pending", "processing", "refunded", "failed", "canceled"], StringComparer.Ordinal);

    private long _sequence;

    private Reply Route(Call call, string apiKey)
    {
        var isGet = HttpMethods.IsGet(call.Method);
        var isPost = HttpMethods.IsPost(call.Method);
        return call.Path.Split('/', StringSplitOptions.RemoveEmptyEntries) switch
        {
            ["v2", "payments"] when isPost => CreatePayment(call, apiKey),
            ["v2", "payments", var id] when isGet => GetPayment(id, apiKey),
            ["v2", "payments", var id, "refunds"] when isPost => CreateRefund(id, call, apiKey),
            ["v2", "payments", var id, "refunds"] when isGet => ListRefunds(id, call.Query, apiKey),
            ["v2", "payments", var id, "refunds", var refundId] when isGet => GetRefund(id, refundId, apiKey),
            ["v2", "payments", ..] => Problem(405, "Method Not Allowed", $"The method {call.Method} is not allowed here."),
            _ => Problem(404, "Not Found", "The resource does not exist."),
        };
    }

    private Reply CreatePayment(Call call, string apiKey)
    {
        if (!TryParseObject(call.Body, out var json))
        {
            return Problem(400, "Bad Request", "The request body is not a JSON object.");
        }

        if (!TryReadAmount(json["amount"], out var money, out var amountError))
        {
            return Problem(422, Unprocessable, amountError, "amount");
        }

        if (money.MinorUnits < 1)
        {
            return Problem(422, Unprocessable, "The amount is lower than the minimum", "amount");
        }

        if (StringField(json, "description") is not { Length: > 0 } description)
        {
            return Problem(422, Unprocessable, "The description is missing", "description");
        }

        if (StringField(json, "redirectUrl") is not { } redirectUrl || !IsHttpUrl(redirectUrl))
        {
            return Problem(422, Unprocessable, "The redirect URL is missing or invalid", "redirectUrl");
        }

        var webhookUrl = StringField(json, "webhookUrl");
        if (json["webhookUrl"] is not null && (webhookUrl is null || !IsHttpUrl(webhookUrl)))
        {
            return Problem(422, Unprocessable, "The webhook URL is invalid", "webhookUrl");
        }

        DateTimeOffset? expiresAt = null;
        if (json["expiresAt"] is not null)
        {
            if (!DateTimeOffset.TryParse(StringField(json, "expiresAt"), CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
            {
                return Problem(422, Unprocessable, "The expiry date is invalid", "expiresAt");
            }

            expiresAt = parsed;
        }

        var metadata = json["metadata"]?.DeepClone();
        if (metadata is not null && metadata.ToJsonString().Length > MaxMetadataLength)
        {
            return Problem(422, Unprocessable, "The metadata is too large", "metadata");
        }

        var now = Time.GetUtcNow();
        var payment = new PaymentState
        {
            Sequence = ++_sequence,
            Id = NewId("tr_"),
            ApiKey = apiKey,
            Mode = apiKey.StartsWith("live_", StringComparison.Ordinal) ? "live" : "test",
            Money = money,
            Description = description.Length > MaxDescriptionLength ? description[..MaxDescriptionLength] : description,
            RedirectUrl = redirectUrl,
            WebhookUrl = webhookUrl,
            ExpiresAt = expiresAt ?? now + DefaultExpiry,
            Metadata = metadata,
            CreatedAt = now,
            IdempotencyKey = call.IdempotencyKey,
            RequestBody = call.Body,
        };
        _payments.Add(payment.Id, payment);
        return new Reply(201, RenderPayment(payment).ToJsonString());
    }

    private Reply GetPayment(string paymentId, string apiKey) =>
        TryGetPayment(paymentId, apiKey, out var payment)
            ? new Reply(200, RenderPayment(payment).ToJsonString())
            : PaymentNotFound(paymentId);

    private Reply CreateRefund(string paymentId, Call call, string apiKey)
    {
        if (!TryGetPayment(paymentId, apiKey, out var payment))
        {
            return PaymentNotFound(paymentId);
        }

        if (!TryParseObject(call.Body, out var json))
        {
            return Problem(400, "Bad Request", "The request body is not a JSON object.");
        }

        if (!TryReadAmount(json["amount"], out var money, out var amountError))
        {
            return Problem(422, Unprocessable, amountError, "amount");
        }

        if (money.MinorUnits < 1)
        {
            return Problem(422, Unprocessable, "The amount is lower than the minimum", "amount");
        }

        var description = StringField(json, "description");
        if (description is { Length: > MaxRefundDescriptionLength })
        {
            return Problem(422, Unprocessable, $"The description is longer than {MaxRefundDescriptionLength} characters", "description");
        }

        if (payment.Status != "paid")
        {
            return Problem(422, Unprocessable, $"The payment is {payment.Status}, not paid, so it cannot be refunded.");
        }

        if (money.Currency != payment.Money.Currency)
        {
            return Problem(422, Unprocessable, $"The currency of the refund must be the payment's currency, {payment.Money.Currency}", "amount");
        }

        if (money.MinorUnits > payment.RemainingMinorUnits)
        {
            return Problem(422, Unprocessable, "The amount is higher than the maximum", "amount");
        }

        if (DetectDuplicateRefunds && payment.Refunds.Exists(r => r.IsLive && r.Money.MinorUnits == money.MinorUnits))
        {
            return Problem(409, "Conflict", "A duplicate refund has been detected");
        }

        var refund = new RefundState
        {
            Id = NewId("re_"),
            PaymentId = payment.Id,
            Money = money,
            Description = description,
            Metadata = json["metadata"]?.DeepClone(),
            CreatedAt = Time.GetUtcNow(),
            IdempotencyKey = call.IdempotencyKey,
            RequestBody = call.Body,
        };
        payment.Refunds.Add(refund);
        return new Reply(201, RenderRefund(payment, refund).ToJsonString());
    }

    private Reply GetRefund(string paymentId, string refundId, string apiKey)
    {
        if (!TryGetPayment(paymentId, apiKey, out var payment))
        {
            return PaymentNotFound(paymentId);
        }

        // Mollie answers 404 for a canceled refund.
        return payment.Refunds.Find(r => r.Id == refundId && r.Status != "canceled") is { } refund
            ? new Reply(200, RenderRefund(payment, refund).ToJsonString())
            : Problem(404, "Not Found", $"No refund exists with token {refundId}.");
    }

    /// <summary>Newest first, <c>from</c> (a refund id) inclusive, pages of <c>limit</c> capped at <see cref="MaxPageSize"/>.</summary>
    private Reply ListRefunds(string paymentId, string query, string apiKey)
    {
        if (!TryGetPayment(paymentId, apiKey, out var payment))
        {
            return PaymentNotFound(paymentId);
        }

        var parameters = QueryHelpers.ParseQuery(query);
        var limit = DefaultPageSize;
        if (parameters.TryGetValue("limit", out var limitText)
            && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxLimit))
        {
            return Problem(400, "Bad Request", $"The limit must be a number from 1 to {MaxLimit}", "limit");
        }

        var newestFirst = payment.Refunds.AsEnumerable().Reverse().ToList();
        var start = 0;
        if (parameters.TryGetValue("from", out var from))
        {
            start = newestFirst.FindIndex(r => r.Id == from.ToString());
            if (start < 0)
            {
                return Problem(400, "Bad Request", $"No refund exists with token {from}.", "from");
            }
        }

        var pageSize = Math.Min(limit, Math.Max(1, MaxPageSize));
        var page = newestFirst.Skip(start).Take(pageSize).ToList();
        var refunds = new JsonArray();
        foreach (var refund in page)
        {
            refunds.Add(RenderRefund(payment, refund));
        }

        var listUri = $"{BaseAddress}payments/{payment.Id}/refunds";
        var nextStart = start + pageSize;
        var json = new JsonObject
        {
            ["count"] = page.Count,
            ["_embedded"] = new JsonObject { ["refunds"] = refunds },
            ["_links"] = new JsonObject
            {
                ["self"] = Link(listUri + query, "application/hal+json"),
                ["previous"] = null,
                ["next"] = nextStart < newestFirst.Count
                    ? Link($"{listUri}?from={newestFirst[nextStart].Id}&limit={limit}", "application/hal+json")
                    : null,
                ["documentation"] = Link("https://docs.mollie.com/reference/list-refunds", "text/html"),
            },
        };
        return new Reply(200, json.ToJsonString());
    }

    private bool TryGetPayment(string paymentId, string apiKey, out PaymentState payment)
    {
        // Another account's payment is as unknown as a made-up one.
        if (_payments.TryGetValue(paymentId, out var found) && found.ApiKey == apiKey)
        {
            payment = found;
            return true;
        }

        payment = null!;
        return false;
    }

    private JsonObject RenderPayment(PaymentState payment)
    {
        var self = $"{BaseAddress}payments/{payment.Id}";
        var json = new JsonObject
        {
            ["resource"] = "payment",
            ["id"] = payment.Id,
            ["mode"] = payment.Mode,
            ["status"] = payment.Status,
            ["isCancelable"] = payment.Status == "open",
            ["createdAt"] = Timestamp(payment.CreatedAt),
            ["amount"] = RenderAmount(payment.Money),
            ["description"] = payment.Description,
            ["method"] = null,
            ["metadata"] = payment.Metadata?.DeepClone(),
            ["profileId"] = "pfl_FakeMollie",
            ["sequenceType"] = "oneoff",
            ["redirectUrl"] = payment.RedirectUrl,
        };
        if (payment.WebhookUrl is not null)
        {
            json["webhookUrl"] = payment.WebhookUrl;
        }

        if (payment.Status is "open" or "pending" or "authorized")
        {
            json["expiresAt"] = Timestamp(payment.ExpiresAt);
        }

        AddTimestamp(json, "authorizedAt", payment.AuthorizedAt);
        AddTimestamp(json, "paidAt", payment.PaidAt);
        AddTimestamp(json, "canceledAt", payment.CanceledAt);
        AddTimestamp(json, "expiredAt", payment.ExpiredAt);
        AddTimestamp(json, "failedAt", payment.FailedAt);
        if (payment.Status == "paid")
        {
            json["amountRefunded"] = RenderAmount(payment.Money with { MinorUnits = payment.RefundedMinorUnits });
            json["amountRemaining"] = RenderAmount(payment.Money with { MinorUnits = payment.RemainingMinorUnits });
        }

        var links = new JsonObject { ["self"] = Link(self, "application/hal+json") };
        if (payment.Status == "open")
        {
            links["checkout"] = Link(new Uri(BaseAddress, "/checkout/" + payment.Id).AbsoluteUri, "text/html");
        }

        links["dashboard"] = Link("https://my.mollie.com/dashboard/payments/" + payment.Id, "text/html");
        if (payment.Refunds.Count > 0)
        {
            links["refunds"] = Link(self + "/refunds", "application/hal+json");
        }

        links["documentation"] = Link("https://docs.mollie.com/reference/get-payment", "text/html");
        json["_links"] = links;
        return json;
    }

    private JsonObject RenderRefund(PaymentState payment, RefundState refund) => new()
    {
        ["resource"] = "refund",
        ["id"] = refund.Id,
        ["mode"] = payment.Mode,
        ["description"] = refund.Description,
        ["amount"] = RenderAmount(refund.Money),
        ["status"] = refund.Status,
        ["metadata"] = refund.Metadata?.DeepClone(),
        ["paymentId"] = payment.Id,
        ["createdAt"] = Timestamp(refund.CreatedAt),
        ["_links"] = new JsonObject
        {
            ["self"] = Link($"{BaseAddress}payments/{payment.Id}/refunds/{refund.Id}", "application/hal+json"),
            ["payment"] = Link($"{BaseAddress}payments/{payment.Id}", "application/hal+json"),
            ["documentation"] = Link("https://docs.mollie.com/reference/get-refund", "text/html"),
        },
    };

    private static Reply PaymentNotFound(string paymentId) => Problem(404, "Not Found", $"No payment exists with token {paymentId}.");

    private static Reply Problem(int status, string title, string detail, string? field = null)
    {
        var json = new JsonObject { ["status"] = status, ["title"] = title, ["detail"] = detail };
        if (field is not null)
        {
            json["field"] = field;
        }

        json["_links"] = new JsonObject { ["documentation"] = Link("https://docs.mollie.com/overview/handling-errors", "text/html") };
        return new Reply(status, json.ToJsonString());
    }

    private static JsonObject Link(string href, string type) => new() { ["href"] = href, ["type"] = type };

    private static JsonObject RenderAmount(Money money) => new() { ["value"] = money.Format(), ["currency"] = money.Currency };

    private static void AddTimestamp(JsonObject json, string name, DateTimeOffset? value)
    {
        if (value is { } time)
        {
            json[name] = Timestamp(time);
        }
    }

    private static string Timestamp(DateTimeOffset time) => time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    private static string NewId(string prefix) => prefix + RandomNumberGenerator.GetString(IdAlphabet, 10);

    private static bool IsHttpUrl(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    private static string? StringField(JsonObject json, string name) =>
        json[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static bool TryParseObject(string body, out JsonObject json)
    {
        try
        {
            if (JsonNode.Parse(body) is JsonObject parsed)
            {
                json = parsed;
                return true;
            }
        }
        catch (System.Text.Json.JsonException)
        {
            // Not JSON: the caller answers 400.
        }

        json = null!;
        return false;
    }

    /// <summary>Mollie's <c>{"currency":"EUR","value":"10.00"}</c>: the value a string with the currency's exact decimals.</summary>
    private static bool TryReadAmount(JsonNode? node, out Money money, out string error)
    {
        money = default;
        error = string.Empty;
        if (node is not JsonObject amount)
        {
            error = node is null ? "The amount is missing" : "The amount must be an object with currency and value";
            return false;
        }

        if (StringField(amount, "currency") is not { Length: 3 } currency || !currency.All(char.IsAsciiLetterUpper))
        {
            error = "The amount currency is missing or not an ISO 4217 code";
            return false;
        }

        if (amount["value"] is not JsonValue valueNode || !valueNode.TryGetValue<string>(out var value))
        {
            error = amount["value"] is null ? "The amount value is missing" : "The amount value must be a string, such as \"10.00\"";
            return false;
        }

        var decimals = currency is "JPY" or "ISK" ? 0 : 2;
        var point = value.IndexOf('.', StringComparison.Ordinal);
        var shapeOk = decimals == 0 ? point < 0 : point > 0 && value.Length - point - 1 == decimals;
        if (!shapeOk || !decimal.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var parsed) || parsed > 1_000_000_000m)
        {
            error = "The amount contains an invalid value";
            return false;
        }

        money = new Money(currency, decimals, (long)(parsed * (decimals == 0 ? 1 : 100)));
        return true;
    }

    private readonly record struct Money(string Currency, int Decimals, long MinorUnits)
    {
        public string Format() => Decimals == 0
            ? MinorUnits.ToString(CultureInfo.InvariantCulture)
            : (MinorUnits / 100m).ToString("F2", CultureInfo.InvariantCulture);
    }

    private sealed class PaymentState
    {
        public required long Sequence { get; init; }

        public required string Id { get; init; }

        public required string ApiKey { get; init; }

        public required string Mode { get; init; }

        public required Money Money { get; init; }

        public required string Description { get; init; }

        public required string RedirectUrl { get; init; }

        public required string? WebhookUrl { get; init; }

        public required DateTimeOffset ExpiresAt { get; init; }

        public required JsonNode? Metadata { get; init; }

        public required DateTimeOffset CreatedAt { get; init; }

        public required string? IdempotencyKey { get; init; }

        public required string RequestBody { get; init; }

        public string Status { get; set; } = "open";

        public DateTimeOffset? AuthorizedAt { get; set; }

        public DateTimeOffset? PaidAt { get; set; }

        public DateTimeOffset? CanceledAt { get; set; }

        public DateTimeOffset? ExpiredAt { get; set; }

        public DateTimeOffset? FailedAt { get; set; }

        public List<RefundState> Refunds { get; } = [];

        /// <summary>Refunds count from creation until they fail or are canceled.</summary>
        public long RefundedMinorUnits => Refunds.Where(r => r.IsLive).Sum(r => r.Money.MinorUnits);

        public long RemainingMinorUnits => Money.MinorUnits - RefundedMinorUnits;

        public FakeMolliePayment Snapshot() => new(
            Id,
            Mode,
            Status,
            Money.Currency,
            Money.Format(),
            Description,
            RedirectUrl,
            WebhookUrl,
            Timestamp(ExpiresAt),
            Metadata?.ToJsonString(),
            IdempotencyKey,
            RequestBody,
            Status == "paid" ? (Money with { MinorUnits = RefundedMinorUnits }).Format() : null,
            Status == "paid" ? (Money with { MinorUnits = RemainingMinorUnits }).Format() : null,
            [.. Refunds.Select(r => r.Snapshot())]);
    }

    private sealed class RefundState
    {
        public required string Id { get; init; }

        public required string PaymentId { get; init; }

        public required Money Money { get; init; }

        public required string? Description { get; init; }

        public required JsonNode? Metadata { get; init; }

        public required DateTimeOffset CreatedAt { get; init; }

        public required string? IdempotencyKey { get; init; }

        public required string RequestBody { get; init; }

        public string Status { get; set; } = "pending";

        public bool IsLive => Status is not ("failed" or "canceled");

        public FakeMollieRefund Snapshot() => new(
            Id, PaymentId, Status, Money.Currency, Money.Format(), Description, Metadata?.ToJsonString(), IdempotencyKey, RequestBody);
    }
}
