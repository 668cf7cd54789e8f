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
