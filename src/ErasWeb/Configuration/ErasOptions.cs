using System.ComponentModel.DataAnnotations;

namespace ErasWeb.Configuration;

/// <summary>
/// Everything an operator can set. Bound from the "Eras" section of appsettings; the documented
/// environment variables (ERAS_BACKBONE_SOURCE, ERAS_DATA_DIR, ...) take precedence.
/// </summary>
public sealed class ErasOptions
{
    public const string Section = "Eras";

    /// <summary>Where the pinned backbone (mobilenetv2-12-int8.onnx) is published: the ONNX Model Zoo.</summary>
    public const string ModelZooBackboneUrl = "https://github.com/onnx/models/raw/main/validated/vision/classification/mobilenet/model/mobilenetv2-12-int8.onnx";

    /// <summary>A directory holding the pinned backbone file, or an http(s) URL to download it from.</summary>
    public string BackboneSource { get; set; } = ModelZooBackboneUrl;

    /// <summary>
    /// Where the SQLite database, the prepared model, promoted heads and videos waiting for a worker
    /// live; relative paths are taken from the working directory. Processes sharing one PostgreSQL
    /// database share this directory too (a volume every machine mounts).
    /// </summary>
    public string DataDir { get; set; } = "data";

    /// <summary><c>sqlite</c> (one process, a file in <see cref="DataDir"/>) or <c>postgres</c> (any number of processes on <see cref="Postgres"/>).</summary>
    public string DatabaseProvider { get; set; } = DatabaseProviders.Sqlite;

    /// <summary>The Npgsql connection string used when <see cref="DatabaseProvider"/> is <c>postgres</c>.</summary>
    public string Postgres { get; set; } = "";

    public bool UsesPostgres => DatabaseProvider == DatabaseProviders.Postgres;

    /// <summary>What this process does: <c>all</c> (pages, API and jobs), <c>web</c> (pages and API; jobs are queued) or <c>worker</c> (jobs; HTTP for health and metrics only).</summary>
    public string Role { get; set; } = ProcessRoles.All;

    public bool ServesWeb => Role != ProcessRoles.Worker;
    public bool RunsJobs => Role != ProcessRoles.Web;

    /// <summary>The era head file; by default the one shipped beside the app.</summary>
    public string HeadPath { get; set; } = Path.Combine(AppContext.BaseDirectory, "models", "era-head.json");

    /// <summary>
    /// A manifest describing another ONNX classifier to use instead of the built-in backbone and
    /// era head (see README, "Bring your own model"); empty for the built-in model.
    /// </summary>
    public string ModelManifest { get; set; } = "";

    /// <summary>
    /// The secret that signs an admin in (pages) or authorises admin API calls (as a Bearer token);
    /// empty turns every admin feature off, so its pages and API answer 404.
    /// </summary>
    public string AdminToken { get; set; } = "";

    public bool AdminEnabled => AdminToken.Length > 0;

    /// <summary>
    /// The labelled photos a retraining starts from (a MANIFEST.tsv or a folder of class folders,
    /// such as the shared set); fans' accepted labels are added to them. Empty: no retraining.
    /// </summary>
    public string BasePhotos { get; set; } = "";

    /// <summary>A retraining starts by itself once this many labels have been accepted since the last one; 0 never.</summary>
    [Range(0, 1_000_000)]
    public int RetrainAfter { get; set; } = 20;

    /// <summary>How much held-out macro F1 a retrained head may lose against the active one and still be promoted.</summary>
    [Range(0, 1)]
    public double RetrainTolerance { get; set; } = 0.02;

    [Range(1, 1L << 30)]
    public long MaxUploadBytes { get; set; } = 25 * 1024 * 1024;

    /// <summary>
    /// Photo bytes all requests may hold in memory at once (photos wait in memory for the CPU);
    /// past it, an upload gets 503 with Retry-After. At least <see cref="MaxUploadBytes"/>.
    /// </summary>
    [Range(1, long.MaxValue)]
    public long MaxUploadBytesInFlight { get; set; } = 256L * 1024 * 1024;

    /// <summary>Images whose header declares more pixels than this are refused before decoding.</summary>
    [Range(1, long.MaxValue)]
    public long MaxImagePixels { get; set; } = 100_000_000;

    /// <summary>
    /// The limit for images decoded at full size (PNG, BMP, GIF, progressive JPEG), whose
    /// every pixel costs decoding time and memory; a baseline JPEG or a WebP is decoded straight to a smaller size.
    /// </summary>
    [Range(1, long.MaxValue)]
    public long MaxFullDecodePixels { get; set; } = 24_000_000;

    /// <summary>Videos may be larger than photos; they are streamed to disk, never held in memory.</summary>
    [Range(1, 1L << 40)]
    public long MaxVideoUploadBytes { get; set; } = 500L * 1024 * 1024;

    /// <summary>Frames sampled from a short clip.</summary>
    [Range(1, 10_000)]
    public int VideoFrames { get; set; } = 12;

    /// <summary>A long video gets one frame every this many seconds (when that is more than <see cref="VideoFrames"/>).</summary>
    [Range(0.1, 3600)]
    public double VideoFrameIntervalSeconds { get; set; } = 10;

    /// <summary>The most frames sampled from any video; longer ones are sampled more sparsely.</summary>
    [Range(1, 10_000)]
    public int VideoMaxFrames { get; set; } = 1300;

    /// <summary>Videos at least this long are read as a whole show with the tour's set order, unless the upload asks otherwise (<c>?decode=</c>).</summary>
    [Range(0, 1e6)]
    public double ShowDecodeMinMinutes { get; set; } = 10;

    /// <summary>Videos declaring a longer duration are refused (a broken or hostile header can claim years).</summary>
    [Range(1, 1e7)]
    public double MaxVideoSeconds { get; set; } = 6 * 3600;

    /// <summary>The longest one FFmpeg step may go without producing anything before it is killed as hung.</summary>
    [Range(0.01, 3600)]
    public double FFmpegTimeoutSeconds { get; set; } = 60;

    /// <summary>FFmpeg and ffprobe processes the whole process runs at once, however many videos, uploads and samplings ask; more wait for a turn.</summary>
    [Range(1, 256)]
    public int FFmpegProcesses { get; set; } = Environment.ProcessorCount;

    /// <summary>
    /// On PostgreSQL: how long a job whose worker stopped answering stays taken before another worker
    /// takes it again. A live worker keeps its jobs however long they run.
    /// </summary>
    [Range(1, 86_400)]
    public double JobRetakeSeconds { get; set; } = 60;

    /// <summary>On PostgreSQL: how often unfinished video jobs are checked for a place in the queue (and queued again if they lost it).</summary>
    [Range(1, 86_400)]
    public double QueueRepairSeconds { get; set; } = 60;

    /// <summary>Videos analysed at the same time; each already uses FFmpeg's threads and the model.</summary>
    [Range(1, 64)]
    public int VideoWorkers { get; set; } = 1;

    /// <summary>
    /// How long <c>POST /predict</c> holds a video upload without <c>Prefer: respond-async</c> or <c>?wait</c> for its result,
    /// as the prototype answered videos at once; 0 answers 202 at once.
    /// </summary>
    [Range(0, 120)]
    public double VideoDefaultWaitSeconds { get; set; } = 60;

    /// <summary>Wall-clock seconds a video's analysis may take per minute of its real length (a shorter video counts as a minute); then the job fails.</summary>
    [Range(0.001, 3600)]
    public double VideoWorkSecondsPerMinute { get; set; } = 30;

    /// <summary>Video jobs waiting or running at once; more uploads get 503 with Retry-After.</summary>
    [Range(1, 100_000)]
    public int VideoQueueMaxJobs { get; set; } = 20;

    /// <summary>Bytes of uploaded videos waiting on disk for their jobs; more get 503 with Retry-After.</summary>
    [Range(1, 1L << 50)]
    public long VideoQueueMaxBytes { get; set; } = 2L * 1024 * 1024 * 1024;

    /// <summary>Video jobs one client address may have waiting or running; more get 429 with Retry-After.</summary>
    [Range(1, 100_000)]
    public int VideoQueueMaxJobsPerClient { get; set; } = 3;

    /// <summary>Threads ONNX Runtime uses inside one inference; requests already run in parallel.</summary>
    [Range(1, 64)]
    public int InferenceThreads { get; set; } = 1;

    /// <summary>
    /// Partner sites whose pages may call the JSON API from a browser: origins such as
    /// "https://fans.example", comma-separated. Empty keeps cross-origin calls closed.
    /// </summary>
    public string CorsOrigins { get; set; } = "";

    public IReadOnlyList<string> CorsOriginList =>
        CorsOrigins.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(o => o.TrimEnd('/')).ToList();

    /// <summary>
    /// The site's address as people reach it (such as "https://eras.example"), for the absolute links a shared
    /// page's preview needs; empty takes each request's own scheme and host.
    /// </summary>
    public string PublicUrl { get; set; } = "";

    /// <summary>An origin as browsers send it: http(s), a host and maybe a port, nothing after.</summary>
    public static bool IsOrigin(string origin) =>
        IsUrl(origin) && string.Equals(new Uri(origin).GetLeftPart(UriPartial.Authority), origin, StringComparison.OrdinalIgnoreCase);

    /// <summary>Photos one client address may upload a minute; 0 turns the limit off.</summary>
    [Range(0, 1_000_000)]
    public int PhotosPerMinute { get; set; } = 30;

    /// <summary>Nights (many photos at once) one client address may upload an hour; 0 turns the limit off. A night also counts once against <see cref="PhotosPerMinute"/>.</summary>
    [Range(0, 1_000_000)]
    public int NightsPerHour { get; set; } = 5;

    /// <summary>Photos one night may hold; more get 413 and nothing is stored.</summary>
    [Range(1, 10_000)]
    public int NightMaxPhotos { get; set; } = 300;

    /// <summary>Bytes one night's photos may add up to; more get 413 and nothing is stored. Each photo also keeps <see cref="MaxUploadBytes"/>.</summary>
    [Range(1, 1L << 40)]
    public long NightMaxBytes { get; set; } = 2L * 1024 * 1024 * 1024;

    /// <summary>
    /// The tour's shows (shows.tsv: date, tour, venue, city, country, surprise songs), so a night's capture
    /// date names its show; empty: nights are read without it, by their photos alone.
    /// </summary>
    public string Shows { get; set; } = "";

    /// <summary>Videos one client address may upload an hour; 0 turns the limit off. Each holds a video worker for a while.</summary>
    [Range(0, 1_000_000)]
    public int VideosPerHour { get; set; } = 10;

    /// <summary>Votes ("Is this right?") one client address may give a minute; 0 turns the limit off.</summary>
    [Range(0, 1_000_000)]
    public int VotesPerMinute { get; set; } = 20;

    /// <summary>
    /// Reverse proxies (addresses such as 10.0.0.2, or networks such as 10.0.0.0/8), comma separated,
    /// whose X-Forwarded-For is believed; empty believes none, so the client address is the connection's.
    /// </summary>
    public string TrustedProxies { get; set; } = "";

    /// <summary>Predictions older than this many days are deleted (with their pictures, frames, votes and jobs) once a day; 0 keeps them for ever.</summary>
    [Range(0, 365_000)]
    public int RetentionDays { get; set; }

    /// <summary>New uploads are refused while the database (file and WAL, less reusable free pages) is this large; 0 for no limit.</summary>
    [Range(0, long.MaxValue)]
    public long MaxDatabaseBytes { get; set; }

    /// <summary>The trusted proxies as networks (a single address is a /32 or /128); entries that do not parse are reported by the validator.</summary>
    public IReadOnlyList<System.Net.IPNetwork> TrustedProxyNetworks =>
        ProxyEntries(TrustedProxies).Select(e => ParseNetwork(e)).OfType<System.Net.IPNetwork>().ToList();

    internal static IEnumerable<string> ProxyEntries(string value) =>
        value.Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    internal static System.Net.IPNetwork? ParseNetwork(string entry) =>
        System.Net.IPNetwork.TryParse(entry, out var network) ? network
        : System.Net.IPAddress.TryParse(entry, out var address) ? new System.Net.IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128)
        : null;

    /// <summary>
    /// Where health and metrics are served instead of the public URLs: URLs as in ASPNETCORE_URLS (such as
    /// http://0.0.0.0:9090, separated by semicolons), each on a fixed port the public URLs do not use. Empty:
    /// health and metrics stay on the public URLs.
    /// </summary>
    public string ManagementUrls { get; set; } = "";

    public IReadOnlyList<string> ManagementUrlList => ManagementUrls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The ports of <see cref="ManagementUrls"/>: a request is told apart by the port it came in on.</summary>
    public IReadOnlySet<int> ManagementPorts => ManagementUrlList.Select(PortOf).OfType<int>().ToHashSet();

    /// <summary>The fixed port an http(s) URL names (its scheme's default if it names none); null for anything else, port 0 included.</summary>
    internal static int? PortOf(string url)
    {
        try
        {
            return Microsoft.AspNetCore.Http.BindingAddress.Parse(url) is { IsUnixPipe: false, Port: > 0 and <= 65535, Scheme: "http" or "https" } address ? address.Port : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    public string DataDirFullPath => Path.GetFullPath(DataDir);

    /// <summary>Where accepted videos wait for their job; each is deleted when its job has finished.</summary>
    public string UploadsDir => Path.Combine(DataDirFullPath, "uploads");

    public TimeSpan FFmpegTimeout => TimeSpan.FromSeconds(FFmpegTimeoutSeconds);

    public static bool IsUrl(string source) =>
        Uri.TryCreate(source, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    public static readonly (string Variable, string Property)[] EnvironmentVariables =
    [
        ("ERAS_BACKBONE_SOURCE", nameof(BackboneSource)),
        ("ERAS_DATA_DIR", nameof(DataDir)),
        ("ERAS_DATABASE_PROVIDER", nameof(DatabaseProvider)),
        ("ERAS_POSTGRES", nameof(Postgres)),
        ("ERAS_ROLE", nameof(Role)),
        ("ERAS_HEAD_PATH", nameof(HeadPath)),
        ("ERAS_MODEL_MANIFEST", nameof(ModelManifest)),
        ("ERAS_MAX_UPLOAD_BYTES", nameof(MaxUploadBytes)),
        ("ERAS_MAX_UPLOAD_BYTES_IN_FLIGHT", nameof(MaxUploadBytesInFlight)),
        ("ERAS_MAX_IMAGE_PIXELS", nameof(MaxImagePixels)),
        ("ERAS_MAX_FULL_DECODE_PIXELS", nameof(MaxFullDecodePixels)),
        ("ERAS_INFERENCE_THREADS", nameof(InferenceThreads)),
        ("ERAS_MAX_VIDEO_UPLOAD_BYTES", nameof(MaxVideoUploadBytes)),
        ("ERAS_VIDEO_FRAMES", nameof(VideoFrames)),
        ("ERAS_VIDEO_FRAME_INTERVAL_SECONDS", nameof(VideoFrameIntervalSeconds)),
        ("ERAS_VIDEO_MAX_FRAMES", nameof(VideoMaxFrames)),
        ("ERAS_MAX_VIDEO_SECONDS", nameof(MaxVideoSeconds)),
        ("ERAS_SHOW_DECODE_MIN_MINUTES", nameof(ShowDecodeMinMinutes)),
        ("ERAS_FFMPEG_TIMEOUT_SECONDS", nameof(FFmpegTimeoutSeconds)),
        ("ERAS_FFMPEG_PROCESSES", nameof(FFmpegProcesses)),
        ("ERAS_VIDEO_WORKERS", nameof(VideoWorkers)),
        ("ERAS_JOB_RETAKE_SECONDS", nameof(JobRetakeSeconds)),
        ("ERAS_QUEUE_REPAIR_SECONDS", nameof(QueueRepairSeconds)),
        ("ERAS_VIDEO_DEFAULT_WAIT_SECONDS", nameof(VideoDefaultWaitSeconds)),
        ("ERAS_VIDEO_WORK_SECONDS_PER_MINUTE", nameof(VideoWorkSecondsPerMinute)),
        ("ERAS_VIDEO_QUEUE_MAX_JOBS", nameof(VideoQueueMaxJobs)),
        ("ERAS_VIDEO_QUEUE_MAX_BYTES", nameof(VideoQueueMaxBytes)),
        ("ERAS_VIDEO_QUEUE_MAX_JOBS_PER_CLIENT", nameof(VideoQueueMaxJobsPerClient)),
        ("ERAS_ADMIN_TOKEN", nameof(AdminToken)),
        ("ERAS_BASE_PHOTOS", nameof(BasePhotos)),
        ("ERAS_RETRAIN_AFTER", nameof(RetrainAfter)),
        ("ERAS_RETRAIN_TOLERANCE", nameof(RetrainTolerance)),
        ("ERAS_CORS_ORIGINS", nameof(CorsOrigins)),
        ("ERAS_PUBLIC_URL", nameof(PublicUrl)),
        ("ERAS_PHOTOS_PER_MINUTE", nameof(PhotosPerMinute)),
        ("ERAS_VIDEOS_PER_HOUR", nameof(VideosPerHour)),
        ("ERAS_VOTES_PER_MINUTE", nameof(VotesPerMinute)),
        ("ERAS_NIGHTS_PER_HOUR", nameof(NightsPerHour)),
        ("ERAS_NIGHT_MAX_PHOTOS", nameof(NightMaxPhotos)),
        ("ERAS_NIGHT_MAX_BYTES", nameof(NightMaxBytes)),
        ("ERAS_SHOWS", nameof(Shows)),
        ("ERAS_TRUSTED_PROXIES", nameof(TrustedProxies)),
        ("ERAS_MANAGEMENT_URLS", nameof(ManagementUrls)),
        ("ERAS_RETENTION_DAYS", nameof(RetentionDays)),
        ("ERAS_MAX_DATABASE_BYTES", nameof(MaxDatabaseBytes)),
    ];

    /// <summary>
    /// The options as the command-line tools see them: appsettings.json beside the app, then the
    /// environment; validated as the web app validates them (an <see cref="Microsoft.Extensions.Options.OptionsValidationException"/> says what to fix).
    /// </summary>
    public static ErasOptions FromEnvironment()
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true);
        AddEnvironmentVariables(configuration);
        var options = new ErasOptions();
        configuration.Build().GetSection(Section).Bind(options);
        return Validated(options);
    }

    /// <summary>The options if they can work: the data annotations and <see cref="ErasOptionsValidator"/>, as at the web app's start.</summary>
    public static ErasOptions Validated(ErasOptions options)
    {
        var failures = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), failures, validateAllProperties: true);
        var errors = failures.Select(f => f.ErrorMessage ?? "invalid").Concat(new ErasOptionsValidator().Validate(null, options).Failures ?? []).ToList();
        if (errors.Count > 0) throw new Microsoft.Extensions.Options.OptionsValidationException(Section, typeof(ErasOptions), errors);
        return options;
    }

    /// <summary>Maps the short environment variable names onto the "Eras" section, above appsettings.</summary>
    public static void AddEnvironmentVariables(IConfigurationBuilder configuration)
    {
        var values = new Dictionary<string, string?>();
        foreach (var (variable, property) in EnvironmentVariables)
            if (Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value)
                values[$"{Section}:{property}"] = value;
        configuration.AddInMemoryCollection(values);
    }
}

public static class DatabaseProviders
{
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgres";
    public static readonly string[] All = [Sqlite, Postgres];
}

public static class ProcessRoles
{
    public const string All = "all";
    public const string Web = "web";
    public const string Worker = "worker";
    public static readonly string[] Every = [All, Web, Worker];
}

/// <summary>Checks what data annotations cannot: that paths and URLs point at something usable.</summary>
public sealed class ErasOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<ErasOptions>
{
    /// <summary>Short enough to type, long enough that guessing it is hopeless.</summary>
    public const int AdminTokenMinLength = 16;

    public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, ErasOptions o)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(o.BackboneSource))
            errors.Add("ERAS_BACKBONE_SOURCE is empty: set it to a directory holding mobilenetv2-12-int8.onnx or to a URL of that file.");
        else if (!ErasOptions.IsUrl(o.BackboneSource) && !Directory.Exists(o.BackboneSource) && !File.Exists(o.BackboneSource))
            errors.Add($"ERAS_BACKBONE_SOURCE '{o.BackboneSource}' (resolved to '{Path.GetFullPath(o.BackboneSource)}') is neither an existing directory or file nor an http(s) URL.");
        if (string.IsNullOrWhiteSpace(o.DataDir))
            errors.Add("ERAS_DATA_DIR is empty: set it to a writable directory for the database and the prepared model.");
        else if (WritableDirectory.Problem(o.DataDirFullPath) is { } problem)
            errors.Add($"ERAS_DATA_DIR '{o.DataDirFullPath}' {problem}: set it to a directory this process may write in.");
        if (!DatabaseProviders.All.Contains(o.DatabaseProvider))
            errors.Add($"ERAS_DATABASE_PROVIDER '{o.DatabaseProvider}' is not one of {string.Join(", ", DatabaseProviders.All)}.");
        else if (o.UsesPostgres && string.IsNullOrWhiteSpace(o.Postgres))
            errors.Add("ERAS_DATABASE_PROVIDER is postgres but ERAS_POSTGRES is empty: set it to an Npgsql connection string such as 'Host=db;Database=eras;Username=eras;Password=...'.");
        if (!ProcessRoles.Every.Contains(o.Role))
            errors.Add($"ERAS_ROLE '{o.Role}' is not one of {string.Join(", ", ProcessRoles.Every)}.");
        else if (o.Role != ProcessRoles.All && !o.UsesPostgres)
            errors.Add($"ERAS_ROLE={o.Role} needs a database every process shares: set ERAS_DATABASE_PROVIDER=postgres and ERAS_POSTGRES, or use ERAS_ROLE=all with SQLite.");
        if (o.MaxUploadBytesInFlight < o.MaxUploadBytes)
            errors.Add($"ERAS_MAX_UPLOAD_BYTES_IN_FLIGHT ({o.MaxUploadBytesInFlight}) is below ERAS_MAX_UPLOAD_BYTES ({o.MaxUploadBytes}), so the largest photo could never be received: raise it.");
        if (o.AdminEnabled && o.AdminToken.Length < AdminTokenMinLength)
            errors.Add($"ERAS_ADMIN_TOKEN is {o.AdminToken.Length} characters; use at least {AdminTokenMinLength} random ones (e.g. openssl rand -hex 24), or leave it empty to turn admin off.");
        if (o.Shows.Length > 0 && !File.Exists(o.Shows))
            errors.Add($"ERAS_SHOWS '{Path.GetFullPath(o.Shows)}' does not exist: point it at the tour's shows.tsv (date, tour, venue, city, country, surprise_songs), or leave it empty.");
        if (o.BasePhotos.Length > 0 && !File.Exists(o.BasePhotos) && !Directory.Exists(o.BasePhotos))
            errors.Add($"ERAS_BASE_PHOTOS '{Path.GetFullPath(o.BasePhotos)}' is neither a manifest nor a folder: point it at the labelled photos retraining starts from, or leave it empty.");
        if (o.ModelManifest.Length > 0)
        {
            if (!File.Exists(o.ModelManifest))
                errors.Add($"ERAS_MODEL_MANIFEST '{Path.GetFullPath(o.ModelManifest)}' does not exist: point it at a model manifest (JSON) or leave it empty for the built-in model.");
        }
        else if (!File.Exists(o.HeadPath))
            errors.Add($"The era head file '{Path.GetFullPath(o.HeadPath)}' does not exist: set ERAS_HEAD_PATH to a head file made by the train command.");
        foreach (var origin in o.CorsOriginList.Where(origin => !ErasOptions.IsOrigin(origin)))
            errors.Add($"ERAS_CORS_ORIGINS has '{origin}', which is not an origin: write each as scheme, host and port only (https://fans.example or http://localhost:3000), separated by commas.");
        if (o.PublicUrl.Length > 0 && !ErasOptions.IsUrl(o.PublicUrl))
            errors.Add($"ERAS_PUBLIC_URL '{o.PublicUrl}' is not an http(s) URL: write the site's address as people reach it (https://eras.example), or leave it empty.");
        if (ErasOptions.ProxyEntries(o.TrustedProxies).Where(e => ErasOptions.ParseNetwork(e) is null).ToList() is { Count: > 0 } badProxies)
            errors.Add($"ERAS_TRUSTED_PROXIES has {string.Join(", ", badProxies.Select(e => $"'{e}'"))}, which is neither an IP address nor a network such as 10.0.0.0/8.");
        foreach (var url in o.ManagementUrlList.Where(url => ErasOptions.PortOf(url) is null))
            errors.Add($"ERAS_MANAGEMENT_URLS has '{url}', which is not an http(s) URL with a fixed port: write each as in ASPNETCORE_URLS (http://0.0.0.0:9090), on a port of its own, separated by semicolons.");
        return errors.Count == 0
            ? Microsoft.Extensions.Options.ValidateOptionsResult.Success
            : Microsoft.Extensions.Options.ValidateOptionsResult.Fail(errors);
    }
}
