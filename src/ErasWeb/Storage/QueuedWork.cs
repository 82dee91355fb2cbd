using ErasWeb.Data;
using Hangfire;

namespace ErasWeb.Storage;

/// <summary>An unfinished row of queued work: its id, when it was accepted, whether it is running, and the upload (file or folder) it waits on, if any.</summary>
public sealed record UnfinishedWork(long Id, DateTime CreatedAtUtc, bool Running, string? Upload);

/// <summary>
/// A kind of work (video jobs, nights, retrainings, gallery re-runs) whose rows outlive Hangfire's queue: how to
/// list the unfinished ones and how to queue one again. Each database's module looks after every kind registered
/// (<see cref="RequeueAtStart"/> on SQLite, <see cref="JobQueueRepair"/> on PostgreSQL).
/// </summary>
public sealed record QueuedWork(string Name, Type Runner, Func<ErasDb, CancellationToken, Task<List<UnfinishedWork>>> Unfinished, Action<IBackgroundJobClient, long> Enqueue);
