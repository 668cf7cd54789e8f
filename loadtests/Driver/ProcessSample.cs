namespace MessagingGateway.Driver;

/// <summary>One line of proc.tsv: the measured process and the whole machine at one moment.</summary>
internal sealed record ProcessSample(long EpochMs, long RssKb, long CpuTicks, long MachineBusyTicks, long MachineTotalTicks);
