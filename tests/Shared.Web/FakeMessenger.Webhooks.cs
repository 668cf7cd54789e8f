using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace MessagingGateway.Tests.Shared;

/// <summary>The fake's webhook side: Meta's <c>entry[].messaging[]</c> envelopes, signed over the exact bytes posted.</summary>
public sealed partial class FakeMessenger
{
    /// <summary>Posts a customer's (<paramref name="psid"/>) text message to <paramref name="pageId"/>; a fresh mid when none is given.</summary>
    public Task<HttpStatusCode> PostTextAsync(Uri url, string appSecret, string pageId, string psid, string text, string? mid = null, CancellationToken cancellationToken = default) =>
        PostRawAsync(url, appSecret, Envelope(pageId, TextEvent(pageId, psid, text, mid, Time.GetUtcNow())).ToJsonString(), cancellationToken);

    /// <summary>Posts a delivery of <paramref name="mids"/> to <paramref name="psid"/> with <paramref name="watermark"/>.</summary>
    public Task<HttpStatusCode> PostDeliveryAsync(Uri url, string appSecret, string pageId, string psid, IReadOnlyList<string> mids, DateTimeOffset watermark, CancellationToken cancellationToken = default) =>
        PostRawAsync(url, appSecret, Envelope(pageId, DeliveryEvent(pageId, psid, mids, watermark)).ToJsonString(), cancellationToken);

    /// <summary>Posts a customer's tap on a quick reply: its title as the text, its <paramref name="payload"/> under <c>quick_reply</c>.</summary>
    public Task<HttpStatusCode> PostQuickReplyAsync(Uri url, string appSecret, string pageId, string psid, string title, string payload, string? mid = null, CancellationToken cancellationToken = default) =>
        PostRawAsync(url, appSecret, Envelope(pageId, QuickReplyEvent(pageId, psid, title, payload, mid, Time.GetUtcNow())).ToJsonString(), cancellationToken);

    /// <summary>Posts a customer's tap on a postback button (<paramref name="title"/>, <paramref name="payload"/>).</summary>
    public Task<HttpStatusCode> PostPostbackAsync(Uri url, string appSecret, string pageId, string psid, string title, string payload, string? mid = null, CancellationToken cancellationToken = default) =>
        PostRawAsync(url, appSecret, Envelope(pageId, PostbackEvent(pageId, psid, title, payload, mid, Time.GetUtcNow())).ToJsonString(), cancellationToken);

    /// <summary>Posts Messenger's read: everything sent to <paramref name="psid"/> up to <paramref name="watermark"/> is read (at <paramref name="timestamp"/>, now unless given); no mids, as Meta sends it.</summary>
    public Task<HttpStatusCode> PostReadAsync(Uri url, string appSecret, string pageId, string psid, DateTimeOffset watermark, DateTimeOffset? timestamp = null, CancellationToken cancellationToken = default) =>
        PostRawAsync(url, appSecret, Envelope(pageId, ReadEvent(pageId, psid, watermark, timestamp ?? Time.GetUtcNow())).ToJsonString(), cancellationToken);

    /// <summary>Posts Instagram's <c>messaging_seen</c>: <paramref name="igsid"/> saw <paramref name="mid"/> (at <paramref name="timestamp"/>, now unless given).</summary>
    public Task<HttpStatusCode> PostSeenAsync(Uri url, string appSecret, string accountId, string igsid, string mid, DateTimeOffset? timestamp = null, CancellationToken cancellationToken = default) =>
        PostRawAsync(url, appSecret, Envelope(accountId, SeenEvent(accountId, igsid, mid, timestamp ?? Time.GetUtcNow())).ToJsonString(), cancellationToken);

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

    /// <summary>Meta's envelope (<c>object</c> = <see cref="WebhookObject"/>): one entry for <paramref name="pageId"/> with the given <c>messaging</c> events.</summary>
    public JsonObject Envelope(string pageId, params JsonObject[] events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var messaging = new JsonArray();
        foreach (var item in events)
        {
            messaging.Add(item);
        }

        return new JsonObject
        {
            ["object"] = WebhookObject,
            ["entry"] = new JsonArray(new JsonObject { ["id"] = pageId, ["time"] = Time.GetUtcNow().ToUnixTimeMilliseconds(), ["messaging"] = messaging }),
        };
    }

    /// <summary>One <c>messaging</c> event: a customer's text message.</summary>
    public static JsonObject TextEvent(string pageId, string psid, string text, string? mid, DateTimeOffset timestamp) => new()
    {
        ["sender"] = new JsonObject { ["id"] = psid },
        ["recipient"] = new JsonObject { ["id"] = pageId },
        ["timestamp"] = timestamp.ToUnixTimeMilliseconds(),
        ["message"] = new JsonObject
        {
            ["mid"] = mid ?? "m_IN" + Convert.ToHexString(Guid.NewGuid().ToByteArray()),
            ["text"] = text,
        },
    };

    /// <summary>One <c>messaging</c> event: a customer's tap on a quick reply (channels.md section 2: <c>message.quick_reply.payload</c>).</summary>
    public static JsonObject QuickReplyEvent(string pageId, string psid, string title, string payload, string? mid, DateTimeOffset timestamp)
    {
        var item = TextEvent(pageId, psid, title, mid, timestamp);
        item["message"]!["quick_reply"] = new JsonObject { ["payload"] = payload };
        return item;
    }

    /// <summary>One <c>messaging</c> event: a tap on a postback button (<c>postback: { mid, title, payload }</c>).</summary>
    public static JsonObject PostbackEvent(string pageId, string psid, string title, string payload, string? mid, DateTimeOffset timestamp) => new()
    {
        ["sender"] = new JsonObject { ["id"] = psid },
        ["recipient"] = new JsonObject { ["id"] = pageId },
        ["timestamp"] = timestamp.ToUnixTimeMilliseconds(),
        ["postback"] = new JsonObject
        {
            ["mid"] = mid ?? "m_PB" + Convert.ToHexString(Guid.NewGuid().ToByteArray()),
            ["title"] = title,
            ["payload"] = payload,
        },
    };

    /// <summary>One <c>messaging</c> event: Instagram's <c>messaging_seen</c>, a read naming <paramref name="mid"/>.</summary>
    public static JsonObject SeenEvent(string accountId, string igsid, string mid, DateTimeOffset timestamp) => new()
    {
        ["sender"] = new JsonObject { ["id"] = igsid },
        ["recipient"] = new JsonObject { ["id"] = accountId },
        ["timestamp"] = timestamp.ToUnixTimeMilliseconds(),
        ["read"] = new JsonObject { ["mid"] = mid },
    };

    /// <summary>One <c>messaging</c> event: a delivery of <paramref name="mids"/> up to <paramref name="watermark"/>.</summary>
    public static JsonObject DeliveryEvent(string pageId, string psid, IReadOnlyList<string> mids, DateTimeOffset watermark)
    {
        ArgumentNullException.ThrowIfNull(mids);
        var array = new JsonArray();
        foreach (var mid in mids)
        {
            array.Add(mid);
        }

        return new JsonObject
        {
            ["sender"] = new JsonObject { ["id"] = psid },
            ["recipient"] = new JsonObject { ["id"] = pageId },
            ["delivery"] = new JsonObject { ["mids"] = array, ["watermark"] = watermark.ToUnixTimeMilliseconds() },
        };
    }

    /// <summary>One <c>messaging</c> event: a read up to <paramref name="watermark"/> (no mids, as Meta sends it).</summary>
    public static JsonObject ReadEvent(string pageId, string psid, DateTimeOffset watermark, DateTimeOffset timestamp) => new()
    {
        ["sender"] = new JsonObject { ["id"] = psid },
        ["recipient"] = new JsonObject { ["id"] = pageId },
        ["timestamp"] = timestamp.ToUnixTimeMilliseconds(),
        ["read"] = new JsonObject { ["watermark"] = watermark.ToUnixTimeMilliseconds() },
    };
}
