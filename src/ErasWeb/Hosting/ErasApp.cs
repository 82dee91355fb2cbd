using System.Text.Json;
using System.Text.Json.Serialization;
using ErasWeb.Admin;
using ErasWeb.ApiDescription;
using ErasWeb.Classification;
using ErasWeb.Configuration;
using ErasWeb.Data;
using ErasWeb.Fans;
using ErasWeb.Localisation;
using ErasWeb.Media;
using ErasWeb.Nights;
using ErasWeb.Observability;
using ErasWeb.Predictions;
using ErasWeb.Problems;
using ErasWeb.Retraining;
using ErasWeb.Storage;
using ErasWeb.Uploads;
using ErasWeb.Videos;
using ErasWeb.Web;
using Hangfire;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace ErasWeb.Hosting;

/// <summary>The composition root of the web app: configuration, services, endpoints and pages.</summary>
public static class ErasApp
{
    public const string DefaultUrl = "http://localhost:8501";

    /// <param name="configure">Lets tests and the benchmark add configuration before the app is built.</param>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ApplicationName = typeof(ErasApp).Assembly.GetName().Name, // pages are found in this assembly, whoever hosts it
            ContentRootPath = AppContext.BaseDirectory,
            WebRootPath = Path.Combine(AppContext.BaseDirectory, "wwwroot"),
        });
        ErasOptions.AddEnvironmentVariables(builder.Configuration);
        configure?.Invoke(builder);
        // The prototype's port, unless ASPNETCORE_URLS or --urls says otherwise; the management URLs, if any, beside them.
        var urls = builder.Configuration[WebHostDefaults.ServerUrlsKey] is { Length: > 0 } configured ? configured : DefaultUrl;
        if (builder.Configuration[$"{ErasOptions.Section}:{nameof(ErasOptions.ManagementUrls)}"] is { Length: > 0 } management)
            urls += ";" + management;
        builder.WebHost.UseUrls(urls);

        builder.Services.AddErasServices(builder.Configuration);
        var app = builder.Build();
        app.UseErasPipeline();
        return app;
    }

    static void AddErasServices(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ErasOptions>().Bind(configuration.GetSection(ErasOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<ErasOptions>, ErasOptionsValidator>();
        services.AddSingleton(TimeProvider.System);

        // What is registered at all depends on a few options (database, role); they are validated with the rest at start.
        var settings = configuration.GetSection(ErasOptions.Section).Get<ErasOptions>() ?? new ErasOptions();
        // What differs between SQLite and PostgreSQL is the storage module's: first the context on the configured database.
        var storage = StorageModule.For(settings);
        services.AddSingleton(storage);
        storage.AddContext(services);
        // Hosted services start in this order, all before the server listens: the database first.
        services.AddHostedService<DatabaseMigrator>();

        // Before the job server, so that at shutdown jobs stop first and end their own FFmpeg runs.
        services.AddFFmpeg(sp => sp.GetRequiredService<IOptions<ErasOptions>>().Value.FFmpegProcesses);
        services.TryAddSingleton<ModelFactory>(); // unless the host hands in one to share (the tests' many apps in one process)
        services.AddSingleton<ModelHost>();
        services.AddSingleton<PhotoBytesInFlight>();
        services.AddHostedService<ModelLoader>();
        services.AddScoped<ImagePredictionService>();
        services.AddSingleton<PicturesOnDemand>();
        services.AddScoped<StorageQuota>();
        services.AddUploadIntake();
        services.AddSingleton<Retention>();
        services.AddHostedService(sp => sp.GetRequiredService<Retention>());
        services.AddScoped<FanFeedbackService>();
        services.AddSingleton<Voters>();
        storage.PersistKeys(services.AddDataProtection().SetApplicationName("ErasWeb"));
        services.AddScoped<FeedbackReview>();
        services.AddScoped<ModelVersions>();
        services.AddScoped<RetrainScheduler>();
        services.AddScoped<RetrainRunner>();
        services.AddScoped<GalleryRerunScheduler>();
        services.AddScoped<GalleryRerunner>();
        services.AddJobs(settings, storage);
        services.AddNights(settings);
        services.AddAdminAuthentication();
        services.AddErasRateLimits();
        services.AddPostsPerAddressPolicy(FanApi.Votes, http => http.RequestServices.GetRequiredService<IOptions<ErasOptions>>().Value.VotesPerMinute);

        services.AddPartnerSitesCors();
        services.AddHealthChecks()
            .AddCheck<ModelReadyCheck>("model", tags: ["ready"])
            .AddDbContextCheck<ErasDb>("database", tags: ["ready"])
            .AddCheck<FFmpegReadyCheck>("ffmpeg", tags: ["ready"]);
        services.AddTelemetry(configuration);
        services.AddLanguages();
        services.AddProblemDetails(o => o.CustomizeProblemDetails = StatusTitles.Localise);
        services.AddExceptionHandler<DomainExceptionHandler>();
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            // Numbers are numbers: the web default also reads them from strings, which the document would then have to allow.
            o.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
        });
        services.AddApiDescription();
        services.AddRazorPages(o => o.Conventions.AuthorizeFolder("/Admin", AdminAuthentication.PagesPolicy).AllowAnonymousToPage("/Admin/SignIn"))
            .AddViewLocalization();
    }

    /// <summary>
    /// Hangfire runs the video jobs, nights, retrainings and gallery re-runs; each kind's rows in our tables
    /// (<see cref="QueuedWork"/>) are what must survive a crash, and the storage module says where the queue
    /// lives and how unfinished work is taken up again. Storage, activator and client are this app's own rather than Hangfire's process-wide defaults
    /// (which <c>AddHangfire</c> would set, logging and serializer settings included), so two apps in
    /// one process, as in the tests, never run each other's jobs or log through a disposed logger.
    /// </summary>
    static void AddJobs(this IServiceCollection services, ErasOptions options, StorageModule storage)
    {
        services.AddSingleton<VideoJobSignals>();
        services.AddScoped<VideoJobService>();
        services.AddScoped<VideoJobRunner>();
        services.AddSingleton<JobActivator>(sp => new Hangfire.AspNetCore.AspNetCoreJobActivator(sp.GetRequiredService<IServiceScopeFactory>()));
        services.AddSingleton<IBackgroundJobClient>(sp => new BackgroundJobClient(sp.GetRequiredService<JobStorage>(), JobTracing.Filters()));
        // AddHangfireServer and the dashboard only check that a configuration is registered; Hangfire's defaults serialize a job id well.
        services.AddSingleton<IGlobalConfiguration>(GlobalConfiguration.Configuration);
        services.AddSingleton(Hangfire.Dashboard.DashboardRoutes.Routes); // the dashboard's pages, as AddHangfire would register them

        if (options.RunsJobs)
            services.AddHangfireServer((sp, o) =>
            {
                o.WorkerCount = options.VideoWorkers;
                o.Activator = sp.GetRequiredService<JobActivator>();
                o.ServerName = VideoJob.WorkerName;
                o.FilterProvider = JobTracing.Filters();
            });
        services.AddSingleton(new QueuedWork("video jobs", typeof(VideoJobRunner), (db, ct) => db.VideoJobs.AsNoTracking()
            .Where(j => j.Status == WorkStatus.Queued || j.Status == WorkStatus.Running)
            .Select(j => new UnfinishedWork(j.Id, j.CreatedAtUtc, j.Status == WorkStatus.Running, j.UploadFile)).ToListAsync(ct), VideoJobService.Enqueue));
        services.AddSingleton(new QueuedWork("retrainings", typeof(RetrainRunner), (db, ct) => db.RetrainRuns.AsNoTracking()
            .Where(r => r.Status == WorkStatus.Queued || r.Status == WorkStatus.Running)
            .Select(r => new UnfinishedWork(r.Id, r.CreatedAtUtc, r.Status == WorkStatus.Running, null)).ToListAsync(ct), RetrainScheduler.Enqueue));
        services.AddSingleton(new QueuedWork("gallery re-runs", typeof(GalleryRerunner), (db, ct) => db.GalleryReruns.AsNoTracking()
            .Where(r => r.Status == WorkStatus.Queued || r.Status == WorkStatus.Running)
            .Select(r => new UnfinishedWork(r.Id, r.CreatedAtUtc, r.Status == WorkStatus.Running, null)).ToListAsync(ct), GalleryRerunScheduler.Enqueue));
        services.AddHostedService<StrayUploadCleanup>();
        storage.AddJobQueue(services);
    }

    /// <summary>
    /// OpenTelemetry: metrics (ours, ASP.NET Core's request durations by route, the runtime's) for
    /// Prometheus at <c>/metrics</c>; traces of requests, database calls and jobs; and, when
    /// OTEL_EXPORTER_OTLP_ENDPOINT names a collector, all of it (logs too) sent there over OTLP.
    /// </summary>
    static void AddTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<ErasMetrics>();
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("erasweb", serviceInstanceId: VideoJob.WorkerName))
            .WithMetrics(m => m.AddMeter(ErasMetrics.Name).AddAspNetCoreInstrumentation().AddRuntimeInstrumentation().AddPrometheusExporter())
            .WithTracing(t => t.AddSource(ErasMetrics.Name).AddAspNetCoreInstrumentation().AddNpgsql());
        if (!string.IsNullOrEmpty(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            services.AddLogging(l => l.AddOpenTelemetry(o => { o.IncludeScopes = true; o.IncludeFormattedMessage = true; }));
            telemetry.UseOtlpExporter();
        }
    }

    public const string JobsDashboardPath = "/admin/jobs";

    static void UseErasPipeline(this WebApplication app)
    {
        app.UseForwardedHeaders(); // first: everything after sees the client's address, as trusted proxies report it
        // First, so error pages, problem answers and static files carry the headers too.
        app.UseWhen(context => !context.Request.Path.StartsWithSegments(JobsDashboardPath), all => all.UseSecurityHeaders(SecurityHeaders.Policy()));
        app.UseWhen(context => context.Request.Path.StartsWithSegments(JobsDashboardPath), dashboard => dashboard.UseSecurityHeaders(SecurityHeaders.DashboardPolicy()));
        // Before the error handlers, so a problem's title and detail and an error page are in the reader's language too.
        app.UseRequestLocalization();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        // Health and metrics on the management ports alone, if there are any; a worker answers nothing else.
        app.UseManagementPorts();
        // People get a page with a way on; API clients keep their problem JSON.
        app.UseWhen(context => !ApiPaths.IsApi(context.Request.Path), pages => pages.UseStatusCodePagesWithReExecute("/error/{0}"));
        app.UseStaticFiles();
        // Before routing, so a preflight is answered here, never counted by a rate limit or refused as a 405.
        app.UseWhen(context => SecurityHeaders.IsPartnerApi(context.Request.Path), api => api.UseCors(SecurityHeaders.PartnerSites));
        // Without a token there is no admin: its pages answer 404, and its API is not even mapped.
        // (Read from configuration, not the options: those are validated at start, with a message, not here.)
        bool admin = !string.IsNullOrEmpty(app.Configuration[$"{ErasOptions.Section}:{nameof(ErasOptions.AdminToken)}"]);
        if (!admin)
            app.UseWhen(context => context.Request.Path.StartsWithSegments("/admin"),
                pages => pages.Run(context => { context.Response.StatusCode = StatusCodes.Status404NotFound; return Task.CompletedTask; }));
        // An unlisted upload's link carries its key; every query this request makes may then see that one prediction.
        app.Use((context, next) =>
        {
            if (context.Request.Query.TryGetValue("key", out var key) && key.ToString() is { Length: > 0 } k)
                context.RequestServices.GetRequiredService<ErasDb>().AccessKey = k;
            return next(context);
        });
        app.UseRouting();
        app.UseRateLimiter();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();

        app.MapOpenApi();
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
        app.MapPrometheusScrapingEndpoint("/metrics");
        _ = app.Services.GetRequiredService<ErasMetrics>(); // its instruments exist from the start, not from the first prediction
        _ = app.Services.GetRequiredService<ShowCalendar>();
        app.MapUploadApi();
        app.MapPredictionApi();
        app.MapFanApi();
        app.MapVideoApi();
        app.MapNightApi();
        app.MapModelApi();
        app.MapModelVersionApi();
        if (admin)
        {
            app.MapAdminApi();
            // Hangfire's dashboard: the queue, running and failed jobs, and the workers (servers) taking them, for the signed-in admin only.
            app.MapHangfireDashboard(JobsDashboardPath, new DashboardOptions { Authorization = [], AppPath = "/admin", DashboardTitle = "ErasWeb jobs", DisplayStorageConnectionString = false },
                app.Services.GetRequiredService<JobStorage>()).RequireAuthorization(AdminAuthentication.PagesPolicy);
        }
        app.MapLanguagePicker();
        app.MapRazorPages();
    }
}
