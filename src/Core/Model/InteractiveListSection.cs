namespace MessagingGateway.Core.Model;

/// <summary>A titled group of rows in an interactive list.</summary>
public sealed class InteractiveListSection
{
    public string? Title { get; set; }
    public List<InteractiveListRow>? Rows { get; set; }
}
