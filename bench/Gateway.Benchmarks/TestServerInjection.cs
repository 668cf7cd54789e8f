using System.Diagnostics;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace MessagingGateway.Gateway.Benchmarks;

/// <summary>
/// While it lives, every host built in this process serves on an in-memory <see cref="TestServer"/>
/// instead of Kestrel, so no socket is opened. <c>GatewayHost.Build</c> returns an application that
/// is already built, so the server cannot be swapped afterwards; instead this listens for the
/// "HostBuilding" diagnostic event that the host raises just before it builds its services (the
/// hook <c>WebApplicationFactory</c> uses) and registers the TestServer last, so it wins.
/// </summary>
internal sealed class TestServerInjection : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
{
    private const string HostingListener = "Microsoft.Extensions.Hosting";
    private const string HostBuildingEvent = "HostBuilding";

    private readonly Lock _gate = new();
    private readonly List<IDisposable> _subscriptions = [];
    private readonly IDisposable _allListeners;

    private TestServerInjection() => _allListeners = DiagnosticListener.AllListeners.Subscribe(this);

    public static TestServerInjection Begin() => new();

    public void Dispose()
    {
        _allListeners.Dispose();
        lock (_gate)
        {
            foreach (var subscription in _subscriptions)
            {
                subscription.Dispose();
            }

            _subscriptions.Clear();
        }
    }

    void IObserver<DiagnosticListener>.OnNext(DiagnosticListener value)
    {
        if (value.Name == HostingListener)
        {
            lock (_gate)
            {
                _subscriptions.Add(value.Subscribe(this));
            }
        }
    }

    void IObserver<KeyValuePair<string, object?>>.OnNext(KeyValuePair<string, object?> value)
    {
        if (value.Key == HostBuildingEvent && value.Value is IHostBuilder builder)
        {
            // What UseTestServer() registers; added after Kestrel's registration, so it is the one resolved.
            builder.ConfigureServices(services => services.AddSingleton<IServer, TestServer>());
        }
    }

    void IObserver<DiagnosticListener>.OnCompleted()
    {
    }

    void IObserver<DiagnosticListener>.OnError(Exception error)
    {
    }

    void IObserver<KeyValuePair<string, object?>>.OnCompleted()
    {
    }

    void IObserver<KeyValuePair<string, object?>>.OnError(Exception error)
    {
    }
}
