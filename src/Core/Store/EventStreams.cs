namespace MessagingGateway.Core.Store;

/// <summary>The event streams, (tenant, log partition), that dispatch units publish into.</summary>
public static class EventStreams
{
    private static readonly IReadOnlyList<(string TenantId, int Partition)> None = [];

    /// <summary>
    /// Each stream the units' events go to, once, in one fixed order (tenant, then partition), so
    /// writers that hold several streams' turns at once always take them in the same order.
    /// </summary>
    public static IReadOnlyList<(string TenantId, int Partition)> Of(IReadOnlyList<DispatchWrites> units)
    {
        ArgumentNullException.ThrowIfNull(units);
        List<(string TenantId, int Partition)>? streams = null;
        foreach (var writes in units)
        {
            foreach (var (webhookEvent, _) in writes.Events)
            {
                var stream = (webhookEvent.TenantId, writes.Partition);
                streams ??= [];
                if (!streams.Contains(stream))
                {
                    streams.Add(stream);
                }
            }
        }

        if (streams is null)
        {
            return None;
        }

        streams.Sort(static (a, b) =>
        {
            var byTenant = string.CompareOrdinal(a.TenantId, b.TenantId);
            return byTenant != 0 ? byTenant : a.Partition.CompareTo(b.Partition);
        });
        return streams;
    }
}
