using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace MessagingGateway.Tests.Shared;

/// <summary>The fake's webhook side: Meta's envelopes, signed over the exact bytes posted.</summary>
public sealed partial class FakeWhatsApp
{
    /// <summary>
    /// Posts one status of <paramref name="wamid"/> (<c>sent</c>, <c>delivered</c>, <c>read</c> or
    /// <c>failed</c>, the latter with <c>errors[0].code</c> = <paramref name="errorCode"/>) the way
    /// Meta does; the metadata and recipient are those of the send that got the wamid, when this fake gave it.
    /// </summary>
    public Task<HttpStatusCode> PostStatusAsync(Uri url, string appSecret, string wamid, string status, DateTimeOffset timestamp, int? errorCode = null, CancellationToken cancellationToken = default) =>
        PostRawAsync(url, appSecret, StatusPayload(wamid, status, timestamp, errorCode), cancellationToken);

    /// <summary>Posts a customer's text message to <paramref name="phoneNumberId"/> from <paramref name="from"/> (digits, no <c>+</c>); a fresh wamid when none is given.</summary>
    public Task<HttpStatusCode> PostInboundTextAsync(Uri url, string appSecret, string phoneNumberId, string from, string text, string? wamid = null, CancellationToken cancellationToken = default) =>
        PostRawAsync(url, appSecret, InboundTextPayload(phoneNumberId, from, text, wamid, Time.GetUtcNow()), cancellationToken);

    /// <summary>Posts <paramref name="bodyJson"/> byte for byte (UTF-8), signed with <paramref name="appSecret"/>: for duplicates, batches, reordering and junk.</summary>
    public Task<HttpStatusCode> PostRawAsync(Uri url, string appSecret, string bodyJson, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(bodyJson);
        return PostRawAsync(url, appSecret, Encoding.UTF8.GetBytes(bodyJson), cancellationToken);
    }

    /// <summary>Posts <paramref name="body"/> as is, signed with <paramref name="appSecret"/>.</summary>
    public async Task<HttpStatusCode> PostRawAsync(Uri url, string appSecret, byte[] body, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(body);
        using var request = new HttpRequestMessage(HttpMethod.Post, url);
        request.Content = new ByteArrayContent(body);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("X-Hub-Signature-256", Sign(body, appSecret));
        request.Headers.UserAgent.ParseAdd("facebookexternalua");
        using var response = await _webhookClient.SendAsync(request, cancellationToken);
        return response.StatusCode;
    }

    /// <summary>The JSON Meta posts for one status (to combine into batches with <see cref="Envelope"/> or post raw).</summary>
    public string StatusPayload(string wamid, string status, DateTimeOffset timestamp, int? errorCode = null) =>
        Envelope(StatusValue(wamid, status, timestamp, errorCode)).ToJsonString();

    /// <summary>The JSON Meta posts for one inbound text message.</summary>
    public static string InboundTextPayload(string phoneNumberId, string from, string text, string? wamid, DateTimeOffset timestamp) =>
        Envelope(InboundTextValue(phoneNumberId, from, text, wamid, timestamp)).ToJsonString();

    /// <summary>The <c>value</c> of a change carrying one inbound text message.</summary>
    public static JsonObject InboundTextValue(string phoneNumberId, string from, string text, string? wamid, DateTimeOffset timestamp) => new()
    {
        ["messaging_product"] = "whatsapp",
        ["metadata"] = Metadata(phoneNumberId),
        ["contacts"] = new JsonArray(new JsonObject { ["profile"] = new JsonObject { ["name"] = "Customer " + from }, ["wa_id"] = from }),
        ["messages"] = new JsonArray(new JsonObject
        {
            ["from"] = from,
            ["id"] = wamid ?? "wamid.IN" + Convert.ToHexString(Guid.NewGuid().ToByteArray()),
            ["timestamp"] = Epoch(timestamp),
            ["type"] = "text",
            ["text"] = new JsonObject { ["body"] = text },
        }),
    };

    /// <summary>The <c>value</c> of a change carrying one status; a <c>failed</c> one carries no pricing and an error.</summary>
    public JsonObject StatusValue(string wamid, string status, DateTimeOffset timestamp, int? errorCode = null)
    {
        ArgumentNullException.ThrowIfNull(wamid);
        (string PhoneNumberId, string To) sent;
        lock (_gate)
        {
            _sent.TryGetValue(wamid, out sent);
        }

        var item = new JsonObject
        {
            ["id"] = wamid,
            ["status"] = status,
            ["timestamp"] = Epoch(timestamp),
            ["recipient_id"] = sent.To ?? "31612345678",
        };
        if (status == "failed")
        {
            var code = errorCode ?? 131000;
            item["errors"] = new JsonArray(new JsonObject
            {
                ["code"] = code,
                ["title"] = "Error " + code.ToString(CultureInfo.InvariantCulture),
                ["error_data"] = new JsonObject { ["details"] = "Reported by the fake" },
            });
        }
        else
        {
            item["pricing"] = new JsonObject { ["billable"] = true, ["pricing_model"] = "PMP", ["type"] = "regular", ["category"] = "utility" };
        }

        var value = new JsonObject { ["messaging_product"] = "whatsapp" };
        if (sent.PhoneNumberId is not null)
        {
            value["metadata"] = Metadata(sent.PhoneNumberId);
        }

        value["statuses"] = new JsonArray(item);
        return value;
    }

    /// <summary>Meta's envelope: one entry whose changes (field <c>messages</c>) carry the given values.</summary>
    public static JsonObject Envelope(params JsonObject[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var changes = new JsonArray();
        foreach (var value in values)
        {
            changes.Add(new JsonObject { ["field"] = "messages", ["value"] = value });
        }

        return new JsonObject
        {
            ["object"] = "whatsapp_business_account",
            ["entry"] = new JsonArray(new JsonObject { ["id"] = "102290129340398", ["changes"] = changes }),
        };
    }

    private static JsonObject Metadata(string phoneNumberId) => new()
    {
        ["display_phone_number"] = "31850000000",
        ["phone_number_id"] = phoneNumberId,
    };

    private static string Epoch(DateTimeOffset timestamp) => timestamp.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
}
