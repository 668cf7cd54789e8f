using MessagingGateway.Core.Model;

namespace MessagingGateway.Core.Validation;

/// <summary>A send that passed validation, with normalised addresses.</summary>
public sealed record ValidatedSend(Channel Channel, string From, string To, MessageContent Content, Dictionary<string, string>? Metadata);
