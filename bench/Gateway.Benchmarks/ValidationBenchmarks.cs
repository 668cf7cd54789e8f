using BenchmarkDotNet.Attributes;
using MessagingGateway.Core.Validation;

namespace MessagingGateway.Gateway.Benchmarks;

/// <summary>
/// Guards the validation cost of one <c>POST /v1/messages</c>: phone-number parsing
/// (libphonenumber) dominates it, and it runs before the log append on every send.
/// </summary>
[MemoryDiagnoser]
public class ValidationBenchmarks
{
    private SendMessageRequest _request = new();

    [GlobalSetup]
    public void Setup()
    {
        _request = TypicalTraffic.Request();
        if (MessageValidator.Validate(_request, new ValidationErrors()) is null)
        {
            throw new InvalidOperationException("The typical request must be valid, or the benchmark measures the error path.");
        }
    }

    /// <summary>A fresh error list per request, as the endpoint does.</summary>
    [Benchmark]
    public ValidatedSend? ValidateWhatsAppText() => MessageValidator.Validate(_request, new ValidationErrors());
}
