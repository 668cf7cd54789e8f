namespace MessagingGateway.Core.Model;

/// <summary>The kinds of content a message can carry.</summary>
public enum ContentType
{
    Text,
    Media,
    Template,
    Interactive,
    Payment,
}
