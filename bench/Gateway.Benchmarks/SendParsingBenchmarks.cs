using System.Buffers;
using BenchmarkDotNet.Attributes;
using MessagingGateway.Core.Validation;
using MessagingGateway.Gateway.Http;
using MessagingGateway.Gateway.Messages;

namespace MessagingGateway.Gateway.Benchmarks;

/// <summary>
/// Guards what <c>POST /v1/messages</c> and <c>POST /v1/messages/batch</c> do with a body before
/// the log append: <see cref="SendRequestParser"/> reads it, <see cref="MessageValidator"/> checks
/// every item with a fresh error list, as <c>MessagesApi</c> does.
/// </summary>
[MemoryDiagnoser]
public class SendParsingBenchmarks
{
    private const int BatchSize = 100;

    private ReadOnlySequence<byte> _single;
    private ReadOnlySequence<byte> _batch;

    [GlobalSetup]
    public void Setup()
    {
        _single = new ReadOnlySequence<byte>(TypicalTraffic.RequestJson());
        _batch = new ReadOnlySequence<byte>(TypicalTraffic.BatchJson(BatchSize));
        if (ParseAndValidateSingle() is null || ParseAndValidateBatch() != BatchSize)
        {
            throw new InvalidOperationException("The typical bodies must parse and validate, or the benchmark measures the error path.");
        }
    }

    [Benchmark]
    public ValidatedSend? ParseAndValidateSingle()
    {
        var request = SendRequestParser.ParseSingle(_single, out _);
        return request is null ? null : MessageValidator.Validate(request, new ValidationErrors());
    }

    /// <summary>One batch of <see cref="BatchSize"/> sends, reported per message so it compares with the single send.</summary>
    [Benchmark(OperationsPerInvoke = BatchSize)]
    public int ParseAndValidateBatch()
    {
        var items = new List<(SendMessageRequest? Request, ApiProblem? Problem)>();
        if (!SendRequestParser.TryParseBatch(_batch, items, out _))
        {
            return 0;
        }

        var valid = 0;
        foreach (var (request, _) in items)
        {
            if (request is not null && MessageValidator.Validate(request, new ValidationErrors()) is not null)
            {
                valid++;
            }
        }

        return valid;
    }
}
