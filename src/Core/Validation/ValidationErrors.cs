namespace MessagingGateway.Core.Validation;

/// <summary>Per-field error messages, in the order found; rendered as problem+json <c>errors</c>.</summary>
public sealed class ValidationErrors
{
    private readonly List<KeyValuePair<string, List<string>>> _fields = [];

    public bool IsEmpty => _fields.Count == 0;

    public IReadOnlyList<KeyValuePair<string, List<string>>> Fields => _fields;

    public void Add(string field, string message)
    {
        foreach (var entry in _fields)
        {
            if (entry.Key == field)
            {
                entry.Value.Add(message);
                return;
            }
        }

        _fields.Add(new(field, [message]));
    }
}
