using BenchmarkDotNet.Attributes;
using MessagingGateway.Core.Model;
using MessagingGateway.Dispatch.Webhooks;

namespace MessagingGateway.Gateway.Benchmarks;

/// <summary>
/// Guards Standard Webhooks signing (HMAC-SHA256 over <c>{id}.{timestamp}.{body}</c>): every
/// delivery attempt of every event parses the tenant's secrets and signs the body once per secret,
/// and every message yields about four events (queued, sent, delivered, read). Verification is
/// what receivers (and the bundled test receiver) run on each delivery.
/// </summary>
[MemoryDiagnoser]
public class WebhookSignatureBenchmarks
{
    private const string OldSecretText = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string NewSecretText = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
    private const long Timestamp = 1_795_426_200;

    // A field, not the constant: stored secret texts are read at run time.
    private readonly string _secretText = OldSecretText;
    private WebhookSecret[] _oneSecret = [];
    private WebhookSecret[] _rotatingSecrets = [];
    private string _eventId = string.Empty;
    private byte[] _body = [];
    private string _rotationHeader = string.Empty;

    [GlobalSetup]
    public void Setup()
    {
        var oldSecret = Parse(OldSecretText);
        var newSecret = Parse(NewSecretText);
        _oneSecret = [oldSecret];
        _rotatingSecrets = [oldSecret, newSecret];

        // A real message.status event body, as the outbox stores and delivers it.
        var message = TypicalTraffic.AcceptedMessage();
        var webhookEvent = WebhookEvents.Status(message, new StatusChange(MessageStatus.Delivered, message.AcceptedAt.AddSeconds(2), 4));
        _eventId = webhookEvent.Id;
        _body = webhookEvent.Body;
        _rotationHeader = WebhookSignature.Sign(_rotatingSecrets, _eventId, Timestamp, _body);
        if (!VerifyWithNewSecretDuringRotation())
        {
            throw new InvalidOperationException("The rotation header must verify with the new secret, or the benchmark measures the failure path.");
        }
    }

    /// <summary>What a delivery attempt does first: each stored secret text becomes a key.</summary>
    [Benchmark]
    public WebhookSecret ParseSecret() => Parse(_secretText);

    [Benchmark]
    public string SignWithOneSecret() => WebhookSignature.Sign(_oneSecret, _eventId, Timestamp, _body);

    /// <summary>While a tenant rotates, every delivery carries two signatures.</summary>
    [Benchmark]
    public string SignWithTwoSecretsDuringRotation() => WebhookSignature.Sign(_rotatingSecrets, _eventId, Timestamp, _body);

    /// <summary>A receiver that already has the new secret: its match is the second entry, so both entries are decoded and compared.</summary>
    [Benchmark]
    public bool VerifyWithNewSecretDuringRotation() => WebhookSignature.Verify(_rotatingSecrets[1], _eventId, Timestamp, _body, _rotationHeader);

    private static WebhookSecret Parse(string text) =>
        WebhookSecret.TryParse(text, out var secret, out var error) ? secret : throw new InvalidOperationException(error);
}
