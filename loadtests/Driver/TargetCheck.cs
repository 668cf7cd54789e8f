namespace MessagingGateway.Driver;

/// <summary>One target of the issue against what this run measured, with the gap and its likely cause when missed.</summary>
internal sealed record TargetCheck(string Id, string Target, string Goal, string Measured, TargetStatus Status, string? Gap, string? Why);
