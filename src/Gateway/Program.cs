using MessagingGateway.Gateway.Hosting;

try
{
    var app = GatewayHost.Build(args);
    await app.RunAsync();
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
