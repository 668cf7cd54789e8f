namespace MessagingGateway.Payments;

/// <summary>
/// The short messages a conversation gets when a payment or refund ends, per tenant (its locale
/// and its own texts), with Dutch and English defaults. <c>{amount}</c> is the amount for the locale.
/// </summary>
public sealed class ConfirmationTexts
{
    public string Locale { get; init; } = "nl";

    public string? PaymentLink { get; init; }

    public string? Paid { get; init; }

    public string? Failed { get; init; }

    public string? Expired { get; init; }

    public string? Refunded { get; init; }

    private bool Dutch => Locale.StartsWith("nl", StringComparison.OrdinalIgnoreCase);

    /// <summary>The line above the link when the business gives none.</summary>
    public string LinkText() => PaymentLink ?? (Dutch ? "Hier is je betaallink" : "Here is your payment link");

    /// <summary>The confirmation for a payment that reached <paramref name="status"/>, or null when it gets none.</summary>
    public string? For(PaymentStatus status, Amount amount)
    {
        var template = status switch
        {
            PaymentStatus.Paid => Paid ?? (Dutch ? "Betaling van {amount} ontvangen. Dank je wel!" : "Payment of {amount} received. Thank you!"),
            PaymentStatus.Failed => Failed ?? (Dutch ? "Je betaling van {amount} is niet gelukt. Probeer het gerust opnieuw." : "Your payment of {amount} did not go through. Feel free to try again."),
            PaymentStatus.Expired => Expired ?? (Dutch ? "De betaallink voor {amount} is verlopen." : "The payment link for {amount} has expired."),
            _ => null,
        };
        return template?.Replace("{amount}", MoneyFormat.Format(amount, Locale), StringComparison.Ordinal);
    }

    /// <summary>The confirmation of a completed refund.</summary>
    public string ForRefund(Amount amount) =>
        (Refunded ?? (Dutch ? "We hebben {amount} teruggestort." : "We have refunded {amount}."))
            .Replace("{amount}", MoneyFormat.Format(amount, Locale), StringComparison.Ordinal);
}
