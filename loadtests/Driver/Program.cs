using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using MessagingGateway.Driver;

// The load suite's C# driver. Every subcommand prints its result as JSON (and writes it to
// --result when given); run.sh stores those files next to wrk's and `report` reads them all.
const string Usage = """
    usage: Driver <command> [--name value ...]
      latency  --url U [--key K] [--rate 100] [--duration 15s] [--count N] [--concurrency 128] [--timeout 60s] [--poll 100ms] [--channel sandbox]
      flow     --url U [--key K] [--count 100] [--concurrency 4] [--duration 10m] [--timeout 30s] [--poll 10ms] [--channel sandbox]
      counters --pid P [--duration 15s] [--interval 1]
      webhook-corpus --secret S --out FILE [--count 20000] [--conversations 10000]
      report   --run-dir DIR --out PATH_WITHOUT_EXTENSION [--scenario NAME]
    every command also takes --result FILE (the JSON result, also printed).
    """;

if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
{
    Console.Error.WriteLine(Usage);
    return 2;
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    stop.Cancel();
});

try
{
    var options = new CommandArguments(args[1..]);
    var resultPath = options.Optional("result");
    JsonObject result = args[0] switch
    {
        "latency" => await LatencyCommand.RunAsync(options, stop.Token),
        "flow" => await FlowCommand.RunAsync(options, stop.Token),
        "counters" => await CountersCommand.RunAsync(options, stop.Token),
        "webhook-corpus" => await WebhookCorpusCommand.RunAsync(options, stop.Token),
        "report" => await ReportCommand.RunAsync(options, stop.Token),
        _ => throw new ArgumentException($"Unknown command '{args[0]}'."),
    };

    var text = result.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    if (resultPath is not null)
    {
        await File.WriteAllTextAsync(resultPath, text + "\n");
    }

    Console.WriteLine(text);
    return 0;
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    Console.Error.WriteLine(Usage);
    return 2;
}
