using ErasWeb.Data;
using ErasWeb.Tests.Support;

namespace ErasWeb.Tests.Videos;

public sealed class RepairAppFixture : AppFixture
{
    public RepairAppFixture() => Settings = new Dictionary<string, string?> { ["Eras:QueueRepairSeconds"] = "1" };
}

/// <summary>On PostgreSQL, an unfinished job that lost its place in the queue is queued again, and runs.</summary>
[Trait("Category", "Storage")]
[Trait("Database", "postgres")] // on SQLite, unfinished rows are queued again at start-up instead (VideoRecoveryTests)
public class VideoQueueRepairTests(RepairAppFixture app) : IClassFixture<RepairAppFixture>
{
    [Fact]
    public async Task A_stored_job_that_was_never_queued_is_queued_and_finishes()
    {
        var clip = TestVideos.Colours("lost.mp4", 160, 120, ("red", 1), ("blue", 1));
        long id;
        using (var scope = app.Services.CreateScope())
        {
            // As if the process had died between storing the job and queueing it, a few minutes ago.
            var uploads = scope.ServiceProvider.GetRequiredService<ErasWeb.Storage.WaitingUploads>();
            Directory.CreateDirectory(Path.Combine(app.DataDir, "uploads"));
            File.Copy(clip, uploads.PathOf("lost.video"));
            await uploads.KeepAsync("lost.video", CancellationToken.None);
            var db = scope.ServiceProvider.GetRequiredService<ErasDb>();
            var job = new VideoJob
            {
                Status = WorkStatus.Queued,
                FileName = "lost.mp4",
                ContentSha256 = Guid.NewGuid().ToString("N"),
                SizeBytes = new FileInfo(clip).Length,
                Format = "mp4",
                UploadFile = "lost.video",
                CreatedAtUtc = DateTime.UtcNow.AddMinutes(-5),
            };
            db.VideoJobs.Add(job);
            await db.SaveChangesAsync();
            id = job.Id;
        }

        var (finished, _) = await VideoJobTests.WaitForJobAsync(app.Client, $"/api/jobs/{id}", TimeSpan.FromSeconds(60));
        Assert.Equal(("succeeded", 1), (finished.GetProperty("status").GetString(), finished.GetProperty("attempts").GetInt32()));

        // Once it is done, nothing is queued again.
        var repair = app.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<ErasWeb.Storage.JobQueueRepair>().Single();
        Assert.Equal(0, await repair.RepairAsync(CancellationToken.None));
    }
}
