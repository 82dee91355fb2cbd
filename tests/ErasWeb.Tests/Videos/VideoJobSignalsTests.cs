using ErasWeb.Videos;

namespace ErasWeb.Tests.Videos;

public class VideoJobSignalsTests
{
    [Fact]
    public async Task Waiters_are_woken_by_their_jobs_finish_and_nothing_is_kept_once_nobody_waits()
    {
        var signals = new VideoJobSignals();
        using (var a = signals.Subscribe(1))
        using (var b = signals.Subscribe(1))
        using (var other = signals.Subscribe(2))
        {
            signals.Finish(1);
            await a.Finished.WaitAsync(TimeSpan.FromSeconds(5));
            await b.Finished.WaitAsync(TimeSpan.FromSeconds(5));
            Assert.False(other.Finished.IsCompleted);
            Assert.Equal(1, signals.Waited);
        }
        // A waiter that gives up (its job already done, or its wait over) leaves nothing behind.
        Assert.Equal(0, signals.Waited);
        using (signals.Subscribe(3)) { }
        Assert.Equal(0, signals.Waited);
    }
}
