using BenchmarkDotNet.Running;
using MessagingGateway.Gateway.Benchmarks;

// Not typeof(Program): Gateway's own top-level Program is public since .NET 10 and would be ambiguous.
BenchmarkSwitcher.FromAssembly(typeof(PartitionerBenchmarks).Assembly).Run(args);
