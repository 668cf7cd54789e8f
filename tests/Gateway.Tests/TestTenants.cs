using System.Security.Cryptography;
using System.Text;

namespace MessagingGateway.Gateway.Tests;

/// <summary>Two tenants with their API keys, written as a tenants file the way operators write one.</summary>
public static class TestTenants
{
    public const string AcmeKey = "mgw_acme_Kq3v9TzL0pWc7xYb2NdR";
    public const string GlobexKey = "mgw_globex_Hs8mQ1aZ5uVe4kJt6FgB";

    /// <summary>A tenant that takes payments through Mollie (the fake), in English.</summary>
    public const string HooliKey = "mgw_hooli_Zt5bN8qW2eRy6uPa1sDx";

    public const string HooliMollieKey = "test_HooliMollieKey0123456789abcdef";

    /// <summary>A tenant without the sandbox.</summary>
    public const string InitechKey = "mgw_initech_Wp2xR7cN4bLq9sDf3HzM";

    public static string WriteFile(string directory)
    {
        var path = Path.Combine(directory, "tenants.json");
        File.WriteAllText(path, $$"""
            {
              "tenants": [
                { "id": "acme", "name": "Acme", "sandbox": true, "apiKeys": [ { "id": "acme", "sha256": "{{Hash(AcmeKey)}}" } ] },
                { "id": "globex", "name": "Globex", "sandbox": true, "apiKeys": [ { "id": "globex", "sha256": "{{Hash(GlobexKey)}}" } ] },
                { "id": "initech", "name": "Initech", "apiKeys": [ { "id": "initech", "sha256": "{{Hash(InitechKey)}}" } ] },
                { "id": "hooli", "name": "Hooli", "sandbox": true, "apiKeys": [ { "id": "hooli", "sha256": "{{Hash(HooliKey)}}" } ],
                  "payments": { "provider": "mollie", "apiKey": "{{HooliMollieKey}}", "locale": "en" } }
              ]
            }
            """);
        return path;
    }

    private static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}
