using ErasWeb.Data;
using Hangfire;

namespace ErasWeb.Videos;

/// <summary>An unfinished row of queued work: its id, when it was accepted, whether it is running, and the upload (file or folder) it waits on.</summary>
public sealed record UnfinishedWork(long Id, DateTime CreatedAtUtc, bool Running, string? Upload);

/// <summary>
/// A kind of work (video jobs, nights) whose rows outlive Hangfire's queue: how to list the unfinished
/// ones and how to queue one again. <see cref="JobRecovery"/> and <see cref="JobQueueRepair"/> look after every kind registered.
/// </summary>
public sealed record QueuedWork(string Name, Type Runner, Func<ErasDb, CancellationToken, Task<List<UnfinishedWork>>> Unfinished, Action<IBackgroundJobClient, long> Enqueue);
