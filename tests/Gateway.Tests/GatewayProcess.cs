using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace MessagingGateway.Gateway.Tests;

/// <summary>The gateway as a separate OS process, so a test can kill it without any shutdown path.</summary>
public sealed class GatewayProcess : IDisposable
{
    private readonly Process _process;
    private readonly Lock _outputGate = new();
    private readonly List<string> _output = [];

    private GatewayProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    /// <summary>What the process wrote to stdout and stderr so far (its log), line by line in arrival order.</summary>
    public IReadOnlyList<string> Output
    {
        get
        {
            lock (_outputGate)
            {
                return [.. _output];
            }
        }
    }

    public static async Task<GatewayProcess> StartAsync(string dataDir, string tenantsFile, params string[] extraArgs)
    {
        var port = FreePort();
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in (string[])[GatewayDll(), "--urls", $"http://127.0.0.1:{port}", "--data-dir", dataDir, "--tenants-file", tenantsFile, .. extraArgs])
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info)!;
        var gateway = new GatewayProcess(process, new Uri($"http://127.0.0.1:{port}"));
        process.OutputDataReceived += (_, line) => gateway.Record(line.Data);
        process.ErrorDataReceived += (_, line) => gateway.Record(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await gateway.WaitUntilReadyAsync();
        return gateway;
    }

    /// <summary>Runs the gateway with <paramref name="args"/> until it exits by itself (a failed start); its stdout and stderr.</summary>
    public static async Task<(int ExitCode, string Output)> RunToExitAsync(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(GatewayDll());
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await errors);
    }

    /// <summary>SIGKILL: no flush, no dispose, nothing graceful.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Kill();
        }

        _process.Dispose();
    }

    private void Record(string? line)
    {
        if (line is not null)
        {
            lock (_outputGate)
            {
                _output.Add(line);
            }
        }
    }

    private async Task WaitUntilReadyAsync()
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        await Eventually.HoldsAsync(
            async () =>
            {
                if (_process.HasExited)
                {
                    throw new InvalidOperationException($"The gateway exited with code {_process.ExitCode} during start.");
                }

                try
                {
                    using var response = await http.GetAsync("/health/ready");
                    return response.StatusCode == HttpStatusCode.OK;
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    return false; // not listening yet, or too busy starting to answer within 2 s
                }
            },
            TimeSpan.FromSeconds(60),
            "the gateway process being ready");
    }

    /// <summary>A loopback port nobody listens on right now.</summary>
    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The gateway built next to this test assembly's configuration (Debug or Release).</summary>
    private static string GatewayDll()
    {
        var testDir = new DirectoryInfo(AppContext.BaseDirectory);
        var configuration = testDir.Parent!.Name; // bin/<configuration>/<tfm>/
        var root = testDir;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "MessagingGateway.sln")))
        {
            root = root.Parent;
        }

        if (root is null)
        {
            throw new InvalidOperationException("Cannot find the repository root (MessagingGateway.sln) above " + AppContext.BaseDirectory);
        }

        var dll = Path.Combine(root.FullName, "src", "Gateway", "bin", configuration, testDir.Name, "MessagingGateway.Gateway.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException("Build the gateway first.", dll);
    }
}
