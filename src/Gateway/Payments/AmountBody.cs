namespace MessagingGateway.Gateway.Payments;

/// <summary><c>{ "currency": "EUR", "value": "24.95" }</c> as posted (checked by <see cref="MessagingGateway.Payments.Amount.TryParse"/>).</summary>
internal sealed class AmountBody
{
    public string? Currency { get; set; }

    public string? Value { get; set; }
}
