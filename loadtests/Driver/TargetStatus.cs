namespace MessagingGateway.Driver;

internal enum TargetStatus
{
    Met,
    Missed,
    NotMeasured,
}
