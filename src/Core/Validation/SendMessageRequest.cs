using MessagingGateway.Core.Model;

namespace MessagingGateway.Core.Validation;

/// <summary>The body of <c>POST /v1/messages</c> (and each item of a batch), as the client sent it.</summary>
public sealed class SendMessageRequest
{
    public string? Channel { get; set; }
    public string? From { get; set; }
    public string? To { get; set; }
    public MessageContent? Content { get; set; }
    public Dictionary<string, string>? Metadata { get; set; }
}
