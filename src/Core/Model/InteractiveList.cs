namespace MessagingGateway.Core.Model;

/// <summary>A pick-list of an interactive message: a button that opens sections of rows.</summary>
public sealed class InteractiveList
{
    public string? Button { get; set; }
    public List<InteractiveListSection>? Sections { get; set; }
}
