namespace MessagingGateway.Core.Model;

/// <summary>One choice in an interactive list.</summary>
public sealed class InteractiveListRow
{
    public string? Id { get; set; }
    public string? Title { get; set; }
    public string? Description { get; set; }
}
