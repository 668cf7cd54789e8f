using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace MessagingGateway.Tests.Shared;

/// <summary>
/// A PostgreSQL cluster of the test process's own: initdb into a temp folder, started on loopback
/// at a free port (its socket in that folder too), stopped and deleted when the process exits.
/// PostgreSQL refuses to run as root, so as root it runs as the <c>postgres</c> user. Should the
/// process die without its exit handlers, a watchdog (a detached shell waiting on our pid) does it.
/// </summary>
internal static class ThrowawayCluster
{
    private const string OsUser = "postgres";

    public static async Task<string> StartAsync()
    {
        var bin = FindBinaries() ?? throw new InvalidOperationException(PostgresServer.HowToGetOne("no PostgreSQL server binaries (initdb, pg_ctl) were found"));
        var asRoot = Environment.IsPrivilegedProcess;
        var root = Path.Combine(asRoot ? "/tmp" : Path.GetTempPath(), "mg-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(root);
        var data = Path.Combine(root, "data");
        try
        {
            if (asRoot)
            {
                await RunAsync("chown", [OsUser, root]);
            }

            // Watching before anything runs: a kill at any later moment still leaves nothing behind.
            StartWatchdog(bin, root, data, asRoot);
            AppDomain.CurrentDomain.ProcessExit += (_, _) => Stop(bin, root, data, asRoot);
            await RunAsync(Path.Combine(bin, "initdb"), ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"], asRoot);
            var port = await StartServerAsync(bin, root, data, asRoot);
            return $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres";
        }
        catch
        {
            Stop(bin, root, data, asRoot);
            throw;
        }
    }

    private static async Task<int> StartServerAsync(string bin, string root, string data, bool asRoot)
    {
        // The port is free when asked, and another process may take it before the server binds: try another.
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort();
            try
            {
                // A test cluster: nothing to keep after a crash, so no fsync; room for classes running in parallel.
                var options = $"-h 127.0.0.1 -p {port} -k {root} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300";
                await RunAsync(Path.Combine(bin, "pg_ctl"), ["-D", data, "-l", Path.Combine(root, "server.log"), "-w", "-t", "60", "-o", options, "start"], asRoot);
                return port;
            }
            catch (InvalidOperationException) when (attempt < 5)
            {
            }
        }
    }

    private static void Stop(string bin, string root, string data, bool asRoot)
    {
        try
        {
            if (File.Exists(Path.Combine(data, "postmaster.pid")))
            {
                RunAsync(Path.Combine(bin, "pg_ctl"), ["-D", data, "-m", "immediate", "-w", "stop"], asRoot).Wait(TimeSpan.FromSeconds(30));
            }
        }
        finally
        {
            try
            {
                if (Directory.Exists(root))
                {
                    Directory.Delete(root, recursive: true);
                }
            }
            catch (IOException)
            {
                // The watchdog deletes it once this process is gone.
            }
        }
    }

    /// <summary>Stops the cluster once this process is gone, however it went (detached, so a Ctrl-C of the run does not take it too).</summary>
    private static void StartWatchdog(string bin, string root, string data, bool asRoot)
    {
        const string Script =
            "exec </dev/null >/dev/null 2>&1; tail --pid=\"$1\" -f /dev/null; " +
            "if [ \"$5\" = root ]; then runuser -u postgres -- \"$2/pg_ctl\" -D \"$3\" -m immediate stop; else \"$2/pg_ctl\" -D \"$3\" -m immediate stop; fi; " +
            "rm -rf \"$4\"";
        var start = new ProcessStartInfo("setsid")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { "sh", "-c", Script, "sh", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), bin, data, root, asRoot ? "root" : "user" })
        {
            start.ArgumentList.Add(argument);
        }

        using var watchdog = Process.Start(start);
    }

    private static async Task RunAsync(string program, IReadOnlyList<string> arguments, bool asPostgres = false)
    {
        var start = new ProcessStartInfo(asPostgres ? "runuser" : program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (asPostgres)
        {
            foreach (var argument in new[] { "-u", OsUser, "--", program })
            {
                start.ArgumentList.Add(argument);
            }
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start.");
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(program)} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await error}{await output}");
        }
    }

    /// <summary>The newest installed server's bin folder (Debian's layout), else initdb on the PATH.</summary>
    private static string? FindBinaries()
    {
        const string Debian = "/usr/lib/postgresql";
        if (Directory.Exists(Debian))
        {
            var newest = Directory.GetDirectories(Debian)
                .Select(dir => (Dir: dir, Version: int.TryParse(Path.GetFileName(dir), out var v) ? v : -1))
                .Where(d => File.Exists(Path.Combine(d.Dir, "bin", "initdb")))
                .OrderByDescending(d => d.Version)
                .FirstOrDefault();
            if (newest.Dir is not null)
            {
                return Path.Combine(newest.Dir, "bin");
            }
        }

        return (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .FirstOrDefault(dir => File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl")));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
