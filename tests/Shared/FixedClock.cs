namespace MessagingGateway.Tests.Shared;

/// <summary>A clock that always says <paramref name="now"/>: for fakes whose answers must carry a known time.</summary>
public sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
