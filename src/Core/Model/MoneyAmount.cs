namespace MessagingGateway.Core.Model;

/// <summary>An amount on the wire: ISO 4217 currency and a decimal string with the currency's decimals (<c>"24.95"</c>).</summary>
public sealed record MoneyAmount(string Currency, string Value);
