namespace MessagingGateway.Gateway.Benchmarks;

/// <summary>
/// Fresh folders for benchmarks that write RocksDB. They measure real fsyncs, so the folder must be
/// on a real disk: <c>GATEWAY_BENCH_DIR</c> moves them off a tmpfs <c>/tmp</c>.
/// </summary>
internal static class BenchDirectory
{
    public static string Create(string prefix)
    {
        var parent = Environment.GetEnvironmentVariable("GATEWAY_BENCH_DIR") is { Length: > 0 } configured ? configured : Path.GetTempPath();
        var path = Path.Combine(parent, prefix + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    public static void Delete(string path)
    {
        if (path.Length > 0 && Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }
    }
}
