namespace MessagingGateway.Core.Model;

/// <summary>One entry of a message's status history; <see cref="Seq"/> counts from 1 per message.</summary>
public sealed record StatusChange(MessageStatus Status, DateTimeOffset At, int Seq, string? Code = null);
