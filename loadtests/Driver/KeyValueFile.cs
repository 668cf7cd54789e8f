using System.Globalization;

namespace MessagingGateway.Driver;

/// <summary>The <c>key=value</c> lines run.sh writes about a run and each of its phases.</summary>
internal sealed class KeyValueFile
{
    private readonly Dictionary<string, string> _values;

    private KeyValueFile(Dictionary<string, string> values) => _values = values;

    public static KeyValueFile Load(string path)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (File.Exists(path))
        {
            foreach (var line in File.ReadLines(path))
            {
                var at = line.IndexOf('=', StringComparison.Ordinal);
                if (at > 0)
                {
                    // Later lines win: run.sh appends what it learns as the phase goes on.
                    values[line[..at].Trim()] = line[(at + 1)..].Trim();
                }
            }
        }

        return new KeyValueFile(values);
    }

    public IReadOnlyDictionary<string, string> All => _values;

    public string? Text(string key) => _values.GetValueOrDefault(key);

    public double? Number(string key) =>
        _values.TryGetValue(key, out var text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null;
}
