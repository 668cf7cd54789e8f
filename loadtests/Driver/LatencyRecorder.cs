using HdrHistogram;

namespace MessagingGateway.Driver;

/// <summary>One HdrHistogram in microseconds (1 µs to 1 h, 3 significant digits), safe for many workers.</summary>
internal sealed class LatencyRecorder
{
    private const long HighestMicroseconds = 3_600_000_000;
    private readonly LongHistogram _histogram = new(HighestMicroseconds, 3);
    private readonly Lock _gate = new();

    public long Count
    {
        get
        {
            lock (_gate)
            {
                return _histogram.TotalCount;
            }
        }
    }

    public void Record(TimeSpan elapsed)
    {
        var micros = Math.Clamp(elapsed.Ticks / TimeSpan.TicksPerMicrosecond, 0, HighestMicroseconds);
        lock (_gate)
        {
            _histogram.RecordValue(micros);
        }
    }

    public LatencySummary Summarize()
    {
        lock (_gate)
        {
            if (_histogram.TotalCount == 0)
            {
                return LatencySummary.Empty;
            }

            static double Ms(long micros) => Math.Round(micros / 1000.0, 3);
            return new LatencySummary(
                _histogram.TotalCount,
                Ms(_histogram.GetValueAtPercentile(0)),
                Math.Round(_histogram.GetMean() / 1000.0, 3),
                Ms(_histogram.GetValueAtPercentile(50)),
                Ms(_histogram.GetValueAtPercentile(90)),
                Ms(_histogram.GetValueAtPercentile(99)),
                Ms(_histogram.GetValueAtPercentile(99.9)),
                Ms(_histogram.GetMaxValue()));
        }
    }
}
