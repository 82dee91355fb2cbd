using ErasWeb.Media;
using Microsoft.Extensions.Logging.Abstractions;

namespace ErasWeb.Tests.Support;

/// <summary>The app's FFmpeg, probe and sampler for tests that use them outside an app: one set for the test process, as an app has one.</summary>
public static class TestMedia
{
    public static readonly FFmpeg FFmpeg = new(NullLogger<FFmpeg>.Instance, Environment.ProcessorCount);
    public static readonly VideoProbe Probe = new(FFmpeg);
    public static readonly FrameSampler Sampler = new(FFmpeg, Probe);
}
