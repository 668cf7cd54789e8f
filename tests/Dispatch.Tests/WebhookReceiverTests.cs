using System.Net;
using System.Net.Http.Headers;
using MessagingGateway.Dispatch.Webhooks;

namespace MessagingGateway.Dispatch.Tests;

public sealed class WebhookReceiverTests : IAsyncLifetime, IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly HttpClient _client = new() { Timeout = Timeout };
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await WebhookReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    public void Dispose() => _client.Dispose();

    [Fact]
    public async Task A_signed_post_is_recorded_exactly_and_verifies()
    {
        var secret = WebhookSecret.Generate();
        var body = "{\"id\":\"evt_1\",\"type\":\"message.inbound\"}"u8.ToArray();
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var signature = WebhookSignature.Sign([secret], "evt_1", timestamp, body);

        using var response = await PostAsync(body, "evt_1", timestamp, signature);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(IPAddress.Loopback.ToString(), _receiver.Url.Host);
        Assert.Equal("/hooks", _receiver.Url.AbsolutePath);
        var received = Assert.Single(_receiver.Received);
        Assert.Equal("evt_1", received.Id);
        Assert.Equal(timestamp, received.UnixTimestamp);
        Assert.Equal(signature, received.Signature);
        Assert.Equal("application/json", received.ContentType);
        Assert.Equal(body, received.Body);
        Assert.Equal(204, received.StatusCode);
        Assert.InRange(received.ReceivedAt, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow);
        Assert.True(WebhookSignature.Verify(secret, received.Id!, received.UnixTimestamp!.Value, received.Body, received.Signature!));
    }

    [Fact]
    public async Task Modes_switch_at_runtime_and_every_attempt_is_recorded()
    {
        _receiver.Mode = WebhookReceiverMode.Fail;
        using (var failed = await PostAsync("{}"u8.ToArray(), "evt_1", 1, "v1,AAAA"))
        {
            Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        }

        _receiver.Mode = WebhookReceiverMode.Drop;
        using (var gone = await PostAsync("{}"u8.ToArray(), "evt_1", 2, "v1,AAAA"))
        {
            Assert.Equal(HttpStatusCode.Gone, gone.StatusCode);
        }

        _receiver.Mode = WebhookReceiverMode.Slow;
        _receiver.SlowDelay = TimeSpan.FromMilliseconds(300);
        var started = DateTimeOffset.UtcNow;
        using (var slow = await PostAsync("{}"u8.ToArray(), "evt_1", 3, "v1,AAAA"))
        {
            Assert.Equal(HttpStatusCode.NoContent, slow.StatusCode);
            Assert.True(DateTimeOffset.UtcNow - started >= TimeSpan.FromMilliseconds(250));
        }

        _receiver.Mode = WebhookReceiverMode.Accept;
        using (var accepted = await PostAsync("{}"u8.ToArray(), "evt_1", 4, "v1,AAAA"))
        {
            Assert.Equal(HttpStatusCode.NoContent, accepted.StatusCode);
        }

        Assert.Equal([500, 410, 204, 204], _receiver.Received.Select(webhook => webhook.StatusCode));
        Assert.Equal([1L, 2L, 3L, 4L], _receiver.Received.Select(webhook => webhook.UnixTimestamp!.Value));
    }

    [Fact]
    public async Task A_sender_that_gives_up_on_a_slow_receiver_still_shows_its_attempt()
    {
        _receiver.Mode = WebhookReceiverMode.Slow;
        _receiver.SlowDelay = TimeSpan.FromSeconds(30);
        // Impatient, yet long enough for a loaded machine to deliver the request before giving up.
        using var impatient = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        using var request = Request("{}"u8.ToArray(), "evt_slow", 1, "v1,AAAA");

        await Assert.ThrowsAsync<TaskCanceledException>(() => impatient.SendAsync(request));

        await _receiver.WaitForAsync(received => received.Count > 0, TimeSpan.FromSeconds(10));
        var received = Assert.Single(_receiver.Received);
        Assert.Equal("evt_slow", received.Id);
    }

    [Fact]
    public async Task Concurrent_posts_are_all_recorded_and_can_be_awaited()
    {
        var posts = Enumerable.Range(0, 50).Select(async i =>
        {
            using var response = await PostAsync("{}"u8.ToArray(), $"evt_{i}", i, "v1,AAAA");
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        });
        var all = Task.WhenAll(posts);

        await _receiver.WaitForAsync(received => received.Count == 50, Timeout);
        await all;

        Assert.Equal(50, _receiver.Received.Select(webhook => webhook.Id).Distinct().Count());
    }

    [Fact]
    public async Task Waiting_for_what_never_arrives_times_out()
    {
        await Assert.ThrowsAsync<TimeoutException>(() => _receiver.WaitForAsync(received => received.Count > 0, TimeSpan.FromMilliseconds(100)));
    }

    [Fact]
    public async Task Other_paths_and_methods_are_not_recorded()
    {
        using var wrongPath = await _client.PostAsync(new Uri(_receiver.Url, "/other"), new ByteArrayContent([]));
        using var get = await _client.GetAsync(_receiver.Url);

        Assert.Equal(HttpStatusCode.NotFound, wrongPath.StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, get.StatusCode);
        Assert.Empty(_receiver.Received);
    }

    [Fact]
    public async Task Disposing_ends_a_slow_request_promptly()
    {
        var receiver = await WebhookReceiver.StartAsync();
        receiver.Mode = WebhookReceiverMode.Slow;
        receiver.SlowDelay = TimeSpan.FromMinutes(5);
        using var request = new HttpRequestMessage(HttpMethod.Post, receiver.Url) { Content = new ByteArrayContent([]) };
        var pending = _client.SendAsync(request);
        await receiver.WaitForAsync(received => received.Count == 1, Timeout);

        var started = DateTimeOffset.UtcNow;
        await receiver.DisposeAsync();

        Assert.True(DateTimeOffset.UtcNow - started < TimeSpan.FromSeconds(3));
        await Assert.ThrowsAsync<HttpRequestException>(() => pending);
    }

    private async Task<HttpResponseMessage> PostAsync(byte[] body, string id, long timestamp, string signature)
    {
        using var request = Request(body, id, timestamp, signature);
        return await _client.SendAsync(request);
    }

    private HttpRequestMessage Request(byte[] body, string id, long timestamp, string signature)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, _receiver.Url) { Content = content };
        request.Headers.Add(WebhookSignature.IdHeader, id);
        request.Headers.Add(WebhookSignature.TimestampHeader, timestamp.ToString());
        request.Headers.Add(WebhookSignature.SignatureHeader, signature);
        return request;
    }
}
