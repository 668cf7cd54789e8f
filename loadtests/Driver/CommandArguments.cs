using System.Globalization;

namespace MessagingGateway.Driver;

/// <summary><c>--name value</c> pairs after the subcommand; unknown names are an error, not a guess.</summary>
internal sealed class CommandArguments
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    public CommandArguments(IReadOnlyList<string> args)
    {
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (!name.StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Count)
            {
                throw new ArgumentException($"Expected --name value, got '{name}'.");
            }

            _values[name[2..]] = args[++i];
        }
    }

    public string Text(string name, string? fallback = null)
    {
        _read.Add(name);
        return _values.TryGetValue(name, out var value) ? value
            : fallback ?? throw new ArgumentException($"--{name} is required.");
    }

    public string? Optional(string name)
    {
        _read.Add(name);
        return _values.GetValueOrDefault(name);
    }

    public int Number(string name, int fallback) =>
        int.Parse(Text(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

    /// <summary>Durations as wrk writes them: <c>500ms</c>, <c>15s</c>, <c>2m</c>, <c>1h</c>, or plain seconds.</summary>
    public TimeSpan Duration(string name, TimeSpan fallback)
    {
        var text = Optional(name);
        return text is null ? fallback : ParseDuration(text);
    }

    public static TimeSpan ParseDuration(string text)
    {
        text = text.Trim();
        static double Value(string digits) => double.Parse(digits, CultureInfo.InvariantCulture);
        return text switch
        {
            _ when text.EndsWith("ms", StringComparison.Ordinal) => TimeSpan.FromMilliseconds(Value(text[..^2])),
            _ when text.EndsWith('s') => TimeSpan.FromSeconds(Value(text[..^1])),
            _ when text.EndsWith('m') => TimeSpan.FromMinutes(Value(text[..^1])),
            _ when text.EndsWith('h') => TimeSpan.FromHours(Value(text[..^1])),
            _ => TimeSpan.FromSeconds(Value(text)),
        };
    }

    /// <summary>Call after reading every option, so a misspelt one fails instead of being ignored.</summary>
    public void RejectUnknown()
    {
        var unknown = _values.Keys.Where(k => !_read.Contains(k)).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException("Unknown option(s): " + string.Join(", ", unknown.Select(u => "--" + u)));
        }
    }
}
