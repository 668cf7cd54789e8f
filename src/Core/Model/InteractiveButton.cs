namespace MessagingGateway.Core.Model;

/// <summary>A quick-reply button of an interactive message.</summary>
public sealed class InteractiveButton
{
    public string? Id { get; set; }
    public string? Title { get; set; }
}
