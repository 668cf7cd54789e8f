using MessagingGateway.Core.Model;

namespace MessagingGateway.Storage.Tests.Contracts;

/// <summary>The message the store suites write: an outbound WhatsApp text of tenant <c>tenant</c>, accepted at <paramref name="acceptedAt"/>.</summary>
internal static class TestMessages
{
    public static Message Outbound(string conversationId, DateTimeOffset acceptedAt) => new()
    {
        Id = Guid.NewGuid(),
        TenantId = "tenant",
        ConversationId = conversationId,
        Channel = Channel.WhatsApp,
        Direction = MessageDirection.Outbound,
        From = "+31612345678",
        To = "+31687654321",
        Content = new MessageContent { Type = "text", Text = "hello" },
        Metadata = new Dictionary<string, string> { ["order"] = "42" },
        AcceptedAt = acceptedAt,
    };
}
