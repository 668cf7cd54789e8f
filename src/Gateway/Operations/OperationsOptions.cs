namespace MessagingGateway.Gateway.Operations;

/// <summary>Settings of the operator's endpoints under <c>/ops</c> (section <c>Operations</c>).</summary>
public sealed class OperationsOptions
{
    /// <summary>
    /// The operator's bearer key. Unset (the default), <c>/ops</c> answers 403: tenants' keys never
    /// open it, and there is no default key to leak.
    /// </summary>
    public string? ApiKey { get; set; }
}
