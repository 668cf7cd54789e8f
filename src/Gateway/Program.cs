using MessagingGateway.Gateway.Hosting;

try
{
    await using var app = GatewayHost.Build(args);
    try
    {
        await app.StartAsync();
    }
    catch
    {
        // A start refused after the background services began (the listen address check runs
        // once Kestrel has bound): stop them before the services they use are disposed, or they
        // meet a disposed log, store or clock on their way out.
        await app.StopAsync();
        throw;
    }

    await app.WaitForShutdownAsync(); // stops the host once shutdown is asked for
    return 0;
}
catch (GatewayStartupException ex)
{
    await Console.Error.WriteLineAsync("The gateway did not start: " + ex.Message);
    return 2;
}
catch (IOException ex) when (ex.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
{
    await Console.Error.WriteLineAsync("The gateway did not start: " + ex.Message + " Stop the other process or pass another --urls.");
    return 2;
}
