using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ErasWeb.Tests.Support;

namespace ErasWeb.Tests.Nights;

public class NightRecoveryTests
{
    [Fact]
    public async Task A_night_being_read_when_the_process_is_killed_is_read_after_a_restart_with_each_photo_stored_once()
    {
        var dataDir = TestData.NewTempDir("night-recovery");
        var environment = new Dictionary<string, string> { ["ERAS_SHOWS"] = TestData.Shows };
        // Phone-size photos, enough of them that the night is still being read when it is caught.
        using var original = Images.Load(TestData.Photo("Midnights/etl-34.jpeg"));
        using var large = Images.Resize(original, 4000, 3000);
        var jpeg = Images.WithCaptureTime(Images.Jpeg(large), new DateTime(2024, 5, 9, 22, 50, 0));
        var photos = Enumerable.Range(0, 40).Select(i => ((byte[])[.. jpeg, (byte)i, 0xD9], $"IMG_{i:0000}.jpg")).ToList();
        long id;
        string statusUrl;

        using (var app = await AppProcess.StartAsync(dataDir, environment))
        {
            var accepted = await (await NightTests.PostNightAsync(app.Client, photos, query: "?wait=0")).Content.ReadFromJsonAsync<JsonElement>();
            (id, statusUrl) = (accepted.GetProperty("night_id").GetInt64(), accepted.GetProperty("status_url").GetString()!);
            await Eventually.WaitForAsync(async () =>
                {
                    var night = await app.Client.GetFromJsonAsync<JsonElement>(statusUrl);
                    Assert.NotEqual("succeeded", night.GetProperty("status").GetString()); // over before it could be caught
                    return night;
                },
                night => night.GetProperty("status").GetString() == "running" && night.GetProperty("progress").GetInt32() >= 5,
                "the night to get going", TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(20));
            // Frozen first, so the kill lands on a night the database still says is running, whatever the machine's speed.
            app.Freeze();
            Assert.Equal(("running", true), await NightInDatabaseAsync(dataDir, id));
            app.KillHard();
        }

        using (var app = await AppProcess.StartAsync(dataDir, environment))
        {
            var night = await Eventually.WaitForAsync(() => app.Client.GetFromJsonAsync<JsonElement>(statusUrl),
                state => state.GetProperty("status").GetString() is "succeeded" or "failed", "the night to be read after the restart", TimeSpan.FromSeconds(120));
            Assert.Equal("succeeded", night.GetProperty("status").GetString());
            var read = night.GetProperty("photos").EnumerateArray().ToList();
            Assert.Equal(photos.Count, read.Count);
            Assert.All(read, p => Assert.Equal("Midnights", p.GetProperty("era").GetString()));
            Assert.Equal(photos.Count, read.Select(p => p.GetProperty("prediction_id").GetInt64()).Distinct().Count());
        }
        // Photos stored before the kill were found again, not stored twice; the uploaded originals are gone.
        Assert.Equal(photos.Count, await CountAsync(dataDir, "SELECT COUNT(*) FROM Predictions"));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(dataDir, "uploads")));
    }

    static async Task<(string? Status, bool Waiting)> NightInDatabaseAsync(string dataDir, long id)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(dataDir, "eras.db")};Mode=ReadOnly");
        await connection.OpenAsync();
        var command = connection.CreateCommand();
        command.CommandText = "SELECT Status, UploadFolder FROM Nights WHERE Id = $id";
        command.Parameters.AddWithValue("$id", id);
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync() ? (reader.GetString(0), !reader.IsDBNull(1)) : (null, false);
    }

    static async Task<long> CountAsync(string dataDir, string sql)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(dataDir, "eras.db")};Mode=ReadOnly");
        await connection.OpenAsync();
        var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
