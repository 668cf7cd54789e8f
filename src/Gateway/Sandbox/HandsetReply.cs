namespace MessagingGateway.Gateway.Sandbox;

/// <summary>The body of <c>POST /sandbox/handsets/{address}/reply</c>.</summary>
internal sealed class HandsetReply
{
    public string? Text { get; set; }
}
