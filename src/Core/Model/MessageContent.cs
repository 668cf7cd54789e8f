namespace MessagingGateway.Core.Model;

/// <summary>
/// The content of a message in its wire shape: <see cref="Type"/> says which of the other
/// fields apply (text: Text; media: Url, MimeType, Caption; template: Name, Language,
/// Parameters; interactive: Body with Buttons or List; payment: PaymentId, Amount, Description,
/// Url, and Text as the line above the link).
/// </summary>
public sealed class MessageContent
{
    public string? Type { get; set; }
    public string? Text { get; set; }
    public string? Url { get; set; }
    public string? MimeType { get; set; }
    public string? Caption { get; set; }
    public string? Name { get; set; }
    public string? Language { get; set; }
    public List<string>? Parameters { get; set; }
    public string? Body { get; set; }
    public List<InteractiveButton>? Buttons { get; set; }
    public InteractiveList? List { get; set; }
    public string? PaymentId { get; set; }
    public MoneyAmount? Amount { get; set; }
    public string? Description { get; set; }
}
