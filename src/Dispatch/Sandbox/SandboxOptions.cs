namespace MessagingGateway.Dispatch.Sandbox;

/// <summary>Behaviour of the simulated handsets (section <c>Sandbox</c>).</summary>
public sealed class SandboxOptions
{
    /// <summary>Gap between a message arriving and its sent receipt, and between the receipts after it.</summary>
    public TimeSpan ReceiptDelay { get; set; } = TimeSpan.FromMilliseconds(150);

    /// <summary>Share of sends refused for good (0–1), reason <c>sandbox_rejected</c>.</summary>
    public double PermanentFailureRate { get; set; }

    /// <summary>Share of sends that fail for now (0–1) and succeed on a retry.</summary>
    public double TransientFailureRate { get; set; }

    /// <summary>Handsets that are unreachable: every send to them fails transiently.</summary>
    public List<string> UnreachableAddresses { get; set; } = [];

    /// <summary>Handsets that refuse every message (permanent failure).</summary>
    public List<string> RejectingAddresses { get; set; } = [];

    /// <summary>Report read, delivered, sent in that order, as providers sometimes do.</summary>
    public bool ReverseReceipts { get; set; }
}
