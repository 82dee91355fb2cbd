using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ErasWeb.Configuration;
using ErasWeb.Data;
using ErasWeb.Storage;
using ErasWeb.Tests.Support;
using ErasWeb.Web;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ErasWeb.Tests.Storage;

/// <summary>
/// On PostgreSQL every per-client limit is counted in the database the processes share: a client gets its
/// allowance once, whichever process it reaches. Windows are aligned to the minute (or hour), so each test
/// first makes sure what it counts falls within one.
/// </summary>
[Trait("Category", "Storage")]
[Trait("Database", "postgres")]
public class SharedRateLimitTests
{
    static readonly byte[] Photo = File.ReadAllBytes(TestData.Photo("Midnights/etl-39.jpeg"));

    [Fact]
    public async Task The_31st_photo_in_a_minute_gets_429_from_either_of_two_web_processes()
    {
        var dataDir = TestData.NewTempDir("shared-limits");
        var database = await TestDatabase.CreatePostgresAsync();
        var environment = new Dictionary<string, string>
        {
            ["ERAS_DATABASE_PROVIDER"] = "postgres",
            ["ERAS_POSTGRES"] = database,
            ["ERAS_ROLE"] = "web",
            ["ERAS_PHOTOS_PER_MINUTE"] = "30", // the default, which the test processes otherwise turn off
        };
        // No proxy: both see the client as 127.0.0.1.
        var starting = new[] { AppProcess.StartAsync(dataDir, environment), AppProcess.StartAsync(dataDir, environment) };
        try
        {
            var processes = new[] { await starting[0], await starting[1] };
            await RoomInTheMinuteAsync(TimeSpan.FromSeconds(40));

            for (int i = 0; i < 30; i++)
            {
                var admitted = await AppFixture.PostFileAsync(processes[i % 2].Client, Photo, $"{i}.jpg");
                Assert.True(admitted.StatusCode == HttpStatusCode.OK, $"Photo {i + 1} got {admitted.StatusCode}: {await admitted.Content.ReadAsStringAsync()}");
            }
            foreach (var process in processes)
                await AssertTooManyAsync(await AppFixture.PostFileAsync(process.Client, Photo, "31.jpg"), "Too many photos from your address: at most 30 a minute");

            // One window in the database counted them all: 30 admitted, 2 refused.
            Assert.Equal(32, Assert.Single(await CountsAsync(database, "photos|127.0.0.1")));
        }
        finally
        {
            foreach (var start in starting)
            {
                try { (await start).Dispose(); }
                catch (Exception) when (!start.IsCompletedSuccessfully) { } // it never started; the test has failed already
            }
            await TestDatabase.DropPostgresAsync(database);
            Directory.Delete(dataDir, recursive: true);
        }
    }

    [Fact]
    public async Task Votes_and_wrong_admin_tokens_count_across_two_apps_on_one_database()
    {
        var database = await TestDatabase.CreatePostgresAsync();
        var settings = new Dictionary<string, string?>
        {
            ["Eras:DatabaseProvider"] = "postgres",
            ["Eras:Postgres"] = database,
            ["Eras:VotesPerMinute"] = "3",
            ["Eras:AdminToken"] = AdminAppFixture.Token,
        };
        AppFixture first = new() { Settings = settings }, second = new() { Settings = settings };
        try
        {
            await first.InitializeAsync();
            await second.InitializeAsync();
            long id = (await first.UploadJsonAsync<JsonElement>(Photo, "voted.jpg")).GetProperty("prediction_id").GetInt64();
            await RoomInTheMinuteAsync(TimeSpan.FromSeconds(20));

            Task<HttpResponseMessage> VoteAsync(AppFixture app) => app.Client.PostAsJsonAsync($"/api/predictions/{id}/feedback", new { era = "Red" });
            foreach (var app in (AppFixture[])[first, second, first])
                Assert.Equal(HttpStatusCode.Created, (await VoteAsync(app)).StatusCode);
            await AssertTooManyAsync(await VoteAsync(second), "Too many votes from your address");
            await AssertTooManyAsync(await VoteAsync(first), "Too many votes from your address");

            Task<HttpResponseMessage> AdminCallAsync(AppFixture app, string token)
            {
                var request = new HttpRequestMessage(HttpMethod.Get, "/api/admin/feedback");
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                return app.Client.SendAsync(request);
            }
            for (int i = 0; i < 5; i++)
                Assert.Equal(HttpStatusCode.Unauthorized, (await AdminCallAsync(i % 2 == 0 ? first : second, $"guessed-admin-token-{i}")).StatusCode);
            await AssertTooManyAsync(await AdminCallAsync(second, "guessed-admin-token-5"), "Too many wrong admin tokens from your address");
            // Looking with the right token counts nothing, and is refused in the other app too.
            await AssertTooManyAsync(await AdminCallAsync(first, AdminAppFixture.Token), "Too many wrong admin tokens from your address");

            Assert.Equal(5, Assert.Single(await CountsAsync(database, "votes|127.0.0.1")));
            Assert.Equal(6, Assert.Single(await CountsAsync(database, "wrong admin tokens|127.0.0.1")));
        }
        finally
        {
            await first.DisposeAsync();
            await second.DisposeAsync();
            await TestDatabase.DropPostgresAsync(database);
        }
    }

    [Fact]
    public async Task Windows_are_counted_per_limit_and_client_and_the_sweep_deletes_only_those_that_ended()
    {
        var database = await TestDatabase.CreatePostgresAsync();
        var options = new ErasOptions { DatabaseProvider = DatabaseProviders.Postgres, Postgres = database };
        var collection = new ServiceCollection();
        StorageModule.For(options).AddContext(collection);
        collection.AddPostgresRateWindows(database);
        await using var services = collection.BuildServiceProvider();
        try
        {
            await using (var scope = services.CreateAsyncScope())
                await scope.ServiceProvider.GetRequiredService<ErasDb>().Database.MigrateAsync();
            var windows = services.GetRequiredService<RequestWindows>();
            Assert.IsType<PostgresRateWindows>(windows);
            var votes = new RequestLimit("votes", 2, TimeSpan.FromMinutes(1));
            var videos = new RequestLimit("videos", 1, TimeSpan.FromHours(1));
            await RoomInTheMinuteAsync(TimeSpan.FromSeconds(10));

            Assert.Null(await windows.CountAsync(votes, "198.51.100.1", 0, default)); // looking counts nothing
            Assert.Null(await windows.CountAsync(votes, "198.51.100.1", 1, default));
            Assert.Null(await windows.CountAsync(votes, "198.51.100.1", 1, default));
            var leftBefore = LeftOfTheMinute();
            var refused = await windows.CountAsync(votes, "198.51.100.1", 1, default);
            var leftAfter = LeftOfTheMinute();
            Assert.NotNull(await windows.CountAsync(votes, "198.51.100.1", 0, default));
            Assert.Null(await windows.CountAsync(votes, "198.51.100.2", 1, default));
            Assert.Null(await windows.CountAsync(videos, "198.51.100.1", 1, default));
            // A refusal tells the time left in the window that began on the minute.
            Assert.InRange(refused!.Value, leftAfter - TimeSpan.FromMilliseconds(50), leftBefore + TimeSpan.FromMilliseconds(50));

            // Windows that have ended (the minute before, three hours ago, the hour before) beside the current ones.
            var minute = new DateTime(DateTime.UtcNow.Ticks / TimeSpan.TicksPerMinute * TimeSpan.TicksPerMinute, DateTimeKind.Utc);
            var hour = new DateTime(DateTime.UtcNow.Ticks / TimeSpan.TicksPerHour * TimeSpan.TicksPerHour, DateTimeKind.Utc);
            await using (var scope = services.CreateAsyncScope())
            {
                var db = (PostgresErasDb)scope.ServiceProvider.GetRequiredService<ErasDb>();
                db.RateWindows.AddRange(
                    new RateWindow { Key = "votes|198.51.100.1", StartUtc = minute.AddMinutes(-1), Count = 2 },
                    new RateWindow { Key = "votes|198.51.100.3", StartUtc = minute.AddHours(-3), Count = 1 },
                    new RateWindow { Key = "videos|198.51.100.1", StartUtc = hour.AddHours(-1), Count = 1 });
                await db.SaveChangesAsync();
            }
            Assert.Equal(3, await ((PostgresRateWindows)windows).SweepAsync(default));
            Assert.Equal(
                [("videos|198.51.100.1", hour, 1), ("votes|198.51.100.1", minute, 3), ("votes|198.51.100.2", minute, 1)],
                await RowsAsync(database));
        }
        finally
        {
            await TestDatabase.DropPostgresAsync(database);
        }
    }

    static async Task AssertTooManyAsync(HttpResponseMessage response, string detail)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var retryAfter = response.Headers.RetryAfter?.Delta?.TotalSeconds;
        Assert.True(retryAfter is >= 1 and <= 60, $"Retry-After {retryAfter}");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains(detail, problem.GetProperty("detail").GetString());
        Assert.Contains($"Try again in {retryAfter} second", problem.GetProperty("detail").GetString());
    }

    /// <summary>If less than <paramref name="needed"/> is left of this minute, waits for the next one, so what follows is counted in one window.</summary>
    static async Task RoomInTheMinuteAsync(TimeSpan needed)
    {
        var left = LeftOfTheMinute();
        if (left < needed) await Task.Delay(left + TimeSpan.FromMilliseconds(100));
    }

    static TimeSpan LeftOfTheMinute() => TimeSpan.FromMinutes(1) - TimeSpan.FromTicks(DateTime.UtcNow.Ticks % TimeSpan.TicksPerMinute);

    /// <summary>The counts of the windows stored for <paramref name="key"/>.</summary>
    static async Task<int[]> CountsAsync(string database, string key) =>
        [.. (await RowsAsync(database)).Where(r => r.Key == key).Select(r => r.Count)];

    static async Task<List<(string Key, DateTime StartUtc, int Count)>> RowsAsync(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""SELECT "Key", "StartUtc", "Count" FROM "RateWindows" ORDER BY "Key", "StartUtc" """, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(string, DateTime, int)>();
        while (await reader.ReadAsync()) rows.Add((reader.GetString(0), reader.GetDateTime(1), reader.GetInt32(2)));
        return rows;
    }
}
