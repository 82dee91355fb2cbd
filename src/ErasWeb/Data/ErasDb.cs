using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Design;

namespace ErasWeb.Data;

/// <summary>
/// The app's data on SQLite (this type, with its migrations in Data/Migrations) or on PostgreSQL
/// (<see cref="PostgresErasDb"/>, with its own in Data/Migrations/Postgres); everything else only sees this type.
/// </summary>
public class ErasDb(DbContextOptions options) : DbContext(options)
{
    /// <summary>The key the request came with (<c>?key=</c>): the one unlisted prediction it may see.</summary>
    public string? AccessKey { get; set; }

    public DbSet<Prediction> Predictions => Set<Prediction>();
    public DbSet<PredictionPictures> PredictionPictures => Set<PredictionPictures>();
    public DbSet<VideoJob> VideoJobs => Set<VideoJob>();
    public DbSet<VideoFrame> VideoFrames => Set<VideoFrame>();
    public DbSet<TimelineSegment> TimelineSegments => Set<TimelineSegment>();
    public DbSet<Feedback> Feedback => Set<Feedback>();
    public DbSet<FanVote> FanVotes => Set<FanVote>();
    public DbSet<ModelVersion> ModelVersions => Set<ModelVersion>();
    public DbSet<RetrainRun> RetrainRuns => Set<RetrainRun>();
    public DbSet<GalleryRerun> GalleryReruns => Set<GalleryRerun>();
    public DbSet<Night> Nights => Set<Night>();
    public DbSet<NightPhoto> NightPhotos => Set<NightPhoto>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        var prediction = model.Entity<Prediction>();
        prediction.Property(p => p.Probabilities).AsJson();
        prediction.Property(p => p.Show).AsJsonValue();
        // The same public bytes under the same model are one prediction; an unlisted upload is its own.
        prediction.HasIndex(p => new { p.ContentSha256, p.ModelVersion }).IsUnique().HasFilter("\"AccessKey\" IS NULL");
        prediction.HasIndex(p => p.AccessKey);
        prediction.HasIndex(p => p.DeleteTokenHash);
        // Lists show each picture's newest answer (PredictionQueries.Newest): "is there a newer row with these bytes?" must be a seek, not a scan.
        prediction.HasIndex(p => new { p.ContentSha256, p.Id });
        prediction.HasIndex(p => new { p.PredictedClass, p.Id });
        prediction.HasIndex(p => new { p.Kind, p.Id });
        // Who may see a row (Visibility): by default, what a visitor may.
        prediction.HasQueryFilter(p => !p.Hidden && (p.AccessKey == null || p.AccessKey == AccessKey));
        prediction.HasOne(p => p.Pictures).WithOne().HasForeignKey<PredictionPictures>(p => p.PredictionId).OnDelete(DeleteBehavior.Cascade);
        model.Entity<PredictionPictures>().HasKey(p => p.PredictionId);
        model.Entity<PredictionPictures>().Property(p => p.Heatmap).AsJsonValue();

        var feedback = model.Entity<Feedback>();
        feedback.HasIndex(f => f.PredictionId).IsUnique();
        feedback.HasIndex(f => new { f.Status, f.UpdatedAtUtc });
        feedback.HasOne(f => f.Prediction).WithOne(p => p.Feedback).HasForeignKey<Feedback>(f => f.PredictionId).OnDelete(DeleteBehavior.Cascade);
        feedback.Property(f => f.Votes).AsJson();
        model.Entity<FanVote>().HasIndex(v => new { v.PredictionId, v.Voter }).IsUnique();
        model.Entity<FanVote>().HasIndex(v => new { v.PredictionId, v.Address }).IsUnique();
        model.Entity<FanVote>().HasOne<Prediction>().WithMany().HasForeignKey(v => v.PredictionId).OnDelete(DeleteBehavior.Cascade);

        model.Entity<ModelVersion>().HasIndex(v => v.Status);
        model.Entity<ModelVersion>().Property(v => v.Support).AsJson();
        model.Entity<RetrainRun>().HasIndex(r => r.Status);
        model.Entity<GalleryRerun>().HasIndex(r => r.Status);

        var job = model.Entity<VideoJob>();
        job.HasIndex(j => j.Status);
        // Each attempt's writes say which attempt they belong to: a worker whose job was taken over (it seemed dead) can no longer finish it.
        job.Property(j => j.Attempts).IsConcurrencyToken();
        job.HasIndex(j => j.ContentSha256);
        job.HasIndex(j => j.DeleteTokenHash);
        // One unfinished job per video even when identical uploads race: the second insert fails and gets the first job.
        job.HasIndex(j => new { j.ContentSha256, j.Decode }, VideoJob.OneUnfinishedPerContentIndex).IsUnique()
            .HasFilter($"\"Status\" IN ('{WorkStatus.Queued.Text()}', '{WorkStatus.Running.Text()}')");
        job.HasOne(j => j.Prediction).WithMany().HasForeignKey(j => j.PredictionId).OnDelete(DeleteBehavior.SetNull);
        var night = model.Entity<Night>();
        night.HasIndex(n => n.Status);
        night.HasIndex(n => n.DeleteTokenHash);
        night.Property(n => n.Attempts).IsConcurrencyToken();
        // An unlisted night is seen only with its key, as an unlisted prediction is.
        night.HasQueryFilter(n => n.AccessKey == null || n.AccessKey == AccessKey);
        night.HasMany(n => n.Photos).WithOne().HasForeignKey(p => p.NightId).OnDelete(DeleteBehavior.Cascade);
        model.Entity<NightPhoto>().HasIndex(p => new { p.NightId, p.UploadIndex }).IsUnique();
        // A photo's prediction may be a public one someone else uploaded: deleting it leaves the night a gap, not a broken row.
        model.Entity<NightPhoto>().HasOne<Prediction>().WithMany().HasForeignKey(p => p.PredictionId).OnDelete(DeleteBehavior.SetNull);
        model.Entity<VideoFrame>().HasIndex(f => new { f.PredictionId, f.Index }).IsUnique();
        model.Entity<VideoFrame>().HasOne<Prediction>().WithMany().HasForeignKey(f => f.PredictionId).OnDelete(DeleteBehavior.Cascade);
        model.Entity<TimelineSegment>().HasIndex(s => new { s.PredictionId, s.Index }).IsUnique();
        model.Entity<TimelineSegment>().HasOne<Prediction>().WithMany().HasForeignKey(s => s.PredictionId).OnDelete(DeleteBehavior.Cascade);
    }

    /// <summary>The domain's words are kept as their text (<see cref="Vocabulary"/>), as they always were.</summary>
    protected override void ConfigureConventions(ModelConfigurationBuilder conventions)
    {
        conventions.Properties<WorkStatus>().HaveConversion<Vocabulary.Converter<WorkStatus>>();
        conventions.Properties<PredictionKind>().HaveConversion<Vocabulary.Converter<PredictionKind>>();
        conventions.Properties<FeedbackStatus>().HaveConversion<Vocabulary.Converter<FeedbackStatus>>();
        conventions.Properties<ModelVersionStatus>().HaveConversion<Vocabulary.Converter<ModelVersionStatus>>();
        conventions.Properties<Shows.DecodeMode>().HaveConversion<Vocabulary.Converter<Shows.DecodeMode>>();
    }

    public static string DatabasePath(string dataDir) => Path.Combine(dataDir, "eras.db");

    public static string ConnectionString(string dataDir) => $"Data Source={DatabasePath(dataDir)}";

    public static void ConfigureSqlite(DbContextOptionsBuilder options, string dataDir) =>
        options.UseSqlite(ConnectionString(dataDir)).AddInterceptors(SqlitePragmas.Instance)
            // SQLite drops a column by rebuilding its table with foreign keys off, which cannot happen in a
            // transaction; EF Core warns about it every time a database is created. Known and accepted.
            .ConfigureWarnings(w => w.Ignore(Microsoft.EntityFrameworkCore.Diagnostics.RelationalEventId.NonTransactionalMigrationOperationWarning));

    /// <summary>Whether a save failed because a row with the same unique key exists (a racing insert won), on either database.</summary>
    public static bool IsUniqueViolation(DbUpdateException e) => e.InnerException switch
    {
        Microsoft.Data.Sqlite.SqliteException sqlite => sqlite.SqliteExtendedErrorCode == SqliteUniqueConstraint,
        Npgsql.PostgresException postgres => postgres.SqlState == Npgsql.PostgresErrorCodes.UniqueViolation,
        _ => false,
    };

    /// <summary>SQLITE_CONSTRAINT_UNIQUE: an insert broke a unique index.</summary>
    const int SqliteUniqueConstraint = 2067;

    /// <summary>
    /// Set on every connection. synchronous=NORMAL: a commit in WAL mode then needs no fsync of its own, about
    /// 3 ms less per stored prediction. busy_timeout: a write that finds another under way waits in SQLite's own
    /// short steps for it to end; without it Microsoft.Data.Sqlite retries after a fixed 150 ms sleep (the 1080p
    /// uploads' p95 at concurrency 8 was about 200 ms that way, 78 ms this way). 30 s: the command timeout.
    /// </summary>
    sealed class SqlitePragmas : Microsoft.EntityFrameworkCore.Diagnostics.DbConnectionInterceptor
    {
        public static readonly SqlitePragmas Instance = new();
        const int BusyTimeoutMilliseconds = 30_000;

        public override void ConnectionOpened(System.Data.Common.DbConnection connection, Microsoft.EntityFrameworkCore.Diagnostics.ConnectionEndEventData eventData) =>
            Execute(connection);

        public override Task ConnectionOpenedAsync(System.Data.Common.DbConnection connection, Microsoft.EntityFrameworkCore.Diagnostics.ConnectionEndEventData eventData, CancellationToken ct = default)
        {
            Execute(connection);
            return Task.CompletedTask;
        }

        static void Execute(System.Data.Common.DbConnection connection)
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"PRAGMA synchronous=NORMAL; PRAGMA busy_timeout={BusyTimeoutMilliseconds};";
            command.ExecuteNonQuery();
        }
    }
}

/// <summary>The same model on PostgreSQL, where several processes share one database; its migrations are its own.</summary>
public sealed class PostgresErasDb(DbContextOptions<PostgresErasDb> options) : ErasDb(options), Microsoft.AspNetCore.DataProtection.EntityFrameworkCore.IDataProtectionKeyContext
{
    public DbSet<WaitingUploadChunk> WaitingUploadChunks => Set<WaitingUploadChunk>();
    public DbSet<RateWindow> RateWindows => Set<RateWindow>();
    public DbSet<ServerSecret> ServerSecrets => Set<ServerSecret>();
    /// <summary>The keys that protect cookies, shared so any web process reads what another wrote.</summary>
    public DbSet<Microsoft.AspNetCore.DataProtection.EntityFrameworkCore.DataProtectionKey> DataProtectionKeys => Set<Microsoft.AspNetCore.DataProtection.EntityFrameworkCore.DataProtectionKey>();

    public static void Configure(DbContextOptionsBuilder options, string connectionString) =>
        options.UseNpgsql(connectionString);

    protected override void OnModelCreating(ModelBuilder model)
    {
        base.OnModelCreating(model);
        // A capture time is the camera's local time, with no zone to convert from: not a point in time.
        model.Entity<NightPhoto>().Property(p => p.TakenAt).HasColumnType("timestamp without time zone");
        model.Entity<WaitingUploadChunk>().HasKey(c => new { c.Name, c.Index });
        model.Entity<RateWindow>().HasKey(w => new { w.Key, w.StartUtc });
        model.Entity<RateWindow>().HasIndex(w => w.StartUtc); // the sweep of past windows
        model.Entity<ServerSecret>().HasKey(s => s.Name);
    }
}

/// <summary>Lets the EF Core tools build the SQLite context without starting the app.</summary>
public sealed class DesignTimeErasDbFactory : IDesignTimeDbContextFactory<ErasDb>
{
    public ErasDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<ErasDb>().UseSqlite(ErasDb.ConnectionString(Path.GetTempPath())).Options);
}

/// <summary>Lets the EF Core tools build the PostgreSQL context; adding a migration needs no server.</summary>
public sealed class DesignTimePostgresErasDbFactory : IDesignTimeDbContextFactory<PostgresErasDb>
{
    public PostgresErasDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresErasDb>().UseNpgsql("Host=localhost;Database=erasweb").Options);
}

static class JsonColumns
{
    /// <summary>A dictionary kept as one JSON text column, compared by content so edits are saved.</summary>
    public static void AsJson<TValue>(this Microsoft.EntityFrameworkCore.Metadata.Builders.PropertyBuilder<Dictionary<string, TValue>> property) =>
        property.HasConversion(
            v => JsonSerializer.Serialize(v, (JsonSerializerOptions?)null),
            v => JsonSerializer.Deserialize<Dictionary<string, TValue>>(v, (JsonSerializerOptions?)null) ?? new(),
            new ValueComparer<Dictionary<string, TValue>>(
                (a, b) => a!.Count == b!.Count && !a.Except(b).Any(),
                v => v.Aggregate(0, (h, p) => HashCode.Combine(h, p.Key, p.Value)),
                v => new Dictionary<string, TValue>(v)));

    /// <summary>An immutable value (a record) kept as one JSON text column, compared by its JSON.</summary>
    public static void AsJsonValue<T>(this Microsoft.EntityFrameworkCore.Metadata.Builders.PropertyBuilder<T?> property) where T : class =>
        property.HasConversion(
            v => JsonSerializer.Serialize(v, (JsonSerializerOptions?)null),
            v => JsonSerializer.Deserialize<T>(v, (JsonSerializerOptions?)null),
            new ValueComparer<T?>(
                (a, b) => JsonSerializer.Serialize(a, (JsonSerializerOptions?)null) == JsonSerializer.Serialize(b, (JsonSerializerOptions?)null),
                v => JsonSerializer.Serialize(v, (JsonSerializerOptions?)null).GetHashCode(),
                v => v));
}
