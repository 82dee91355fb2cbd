using ErasWeb.Configuration;
using ErasWeb.Data;
using ErasWeb.Storage;
using ErasWeb.Videos;
using Microsoft.EntityFrameworkCore;

namespace ErasWeb.Nights;

public static class NightServices
{
    /// <summary>A fan's night: its intake, its job (in the same queue, recovery and repair as videos), and the tour's show calendar.</summary>
    public static IServiceCollection AddNights(this IServiceCollection services, ErasOptions options)
    {
        // Read at start (ErasApp resolves it), so a broken shows.tsv stops the app with its reason rather than failing nights later.
        services.AddSingleton(_ => ShowCalendar.Load(options.Shows));
        services.AddKeyedSingleton<VideoJobSignals>(VideoJobSignals.Nights);
        services.AddScoped<NightService>();
        services.AddScoped<NightUploadIntake>();
        services.AddScoped<NightRunner>();
        services.AddSingleton(new QueuedWork("nights", typeof(NightRunner), (db, ct) => db.Nights.EveryRow().AsNoTracking()
            .Where(n => n.Status == WorkStatus.Queued || n.Status == WorkStatus.Running)
            .Select(n => new UnfinishedWork(n.Id, n.CreatedAtUtc, n.Status == WorkStatus.Running, n.UploadFolder)).ToListAsync(ct), NightService.Enqueue));
        return services;
    }
}
