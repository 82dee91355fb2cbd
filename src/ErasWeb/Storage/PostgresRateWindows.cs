using System.Collections.Concurrent;
using ErasWeb.Data;
using ErasWeb.Web;
using Npgsql;

namespace ErasWeb.Storage;

/// <summary>
/// Per-client limits counted in the database every process shares (<see cref="RateWindow"/> rows, keyed
/// "limit|client"), so a client gets its allowance once however many web processes it reaches. Windows are
/// fixed and aligned to the database server's clock (a minute's begins on the minute), so every process agrees
/// on them whatever its own clock says. A request costs one statement: an upsert that returns the window's count
/// and the time left in it. Windows that have ended are deleted by <see cref="RateWindowSweep"/>, never here.
/// </summary>
/// <remarks>
/// Plain Npgsql on the connection string EF Core uses (so the same pool): through a scope and a context the same
/// statement took three to four times as long, and nothing else here needs EF Core.
/// </remarks>
public sealed class PostgresRateWindows(string connectionString) : RequestWindows
{
    // Windows are aligned to 2000-01-01 UTC (any whole hour would do): a minute's begins on the minute, an hour's on the hour.
    const string Count = """
        INSERT INTO "RateWindows" AS w ("Key", "StartUtc", "Count") VALUES ($1, date_bin($2, now(), TIMESTAMPTZ '2000-01-01Z'), 1)
        ON CONFLICT ("Key", "StartUtc") DO UPDATE SET "Count" = w."Count" + 1
        RETURNING w."Count", extract(epoch FROM w."StartUtc" + $2 - now())::float8
        """;

    /// <summary>Only looking: the count so far in the current window, if it has one.</summary>
    const string Look = """
        SELECT coalesce((SELECT "Count" FROM "RateWindows" WHERE "Key" = $1 AND "StartUtc" = date_bin($2, now(), TIMESTAMPTZ '2000-01-01Z')), 0),
            extract(epoch FROM date_bin($2, now(), TIMESTAMPTZ '2000-01-01Z') + $2 - now())::float8
        """;

    /// <summary>Every limit this process has counted, with its window: what the sweep knows how to age.</summary>
    readonly ConcurrentDictionary<string, TimeSpan> limits = new();

    public override async ValueTask<TimeSpan?> CountAsync(RequestLimit limit, string client, int requests, CancellationToken ct)
    {
        limits[limit.Name] = limit.Window;
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(requests == 0 ? Look : Count, connection)
        {
            Parameters = { new() { Value = $"{limit.Name}|{client}" }, new() { Value = limit.Window } },
        };
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        int count = reader.GetInt32(0);
        var left = TimeSpan.FromSeconds(Math.Max(0, reader.GetDouble(1)));
        // Counting none looks whether one more would still fit.
        return count + (requests == 0 ? 1 : 0) <= limit.Permits ? null : left;
    }

    /// <summary>Deletes the windows that have ended, of every limit this process has counted; how many.</summary>
    public async Task<int> SweepAsync(CancellationToken ct)
    {
        var known = limits.ToArray();
        if (known.Length == 0) return 0;
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand("""
            DELETE FROM "RateWindows" w USING unnest($1::text[], $2::interval[]) AS l(name, length)
            WHERE starts_with(w."Key", l.name || '|') AND w."StartUtc" <= now() - l.length
            """, connection)
        {
            Parameters = { new() { Value = known.Select(l => l.Key).ToArray() }, new() { Value = known.Select(l => l.Value).ToArray() } },
        };
        return await command.ExecuteNonQueryAsync(ct);
    }
}

/// <summary>Once a minute, deletes the rate windows that have ended (<see cref="PostgresRateWindows.SweepAsync"/>), so the table holds only current ones.</summary>
public sealed class RateWindowSweep(PostgresRateWindows windows, TimeProvider clock, ILogger<RateWindowSweep> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(1), clock);
        while (await timer.WaitForNextTickAsync(ct))
        {
            try { await windows.SweepAsync(ct); }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
            catch (Exception e) { logger.LogWarning(e, "Could not delete past rate windows; trying again later"); }
        }
    }
}

public static class PostgresRateWindowServices
{
    /// <summary>Counts every per-client limit in the shared database instead of in each process.</summary>
    public static IServiceCollection AddPostgresRateWindows(this IServiceCollection services, string connectionString) => services
        .AddSingleton(new PostgresRateWindows(connectionString))
        .AddSingleton<RequestWindows>(sp => sp.GetRequiredService<PostgresRateWindows>())
        .AddHostedService<RateWindowSweep>();
}
