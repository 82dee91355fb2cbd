using System.Net.Http.Json;
using ErasWeb.Data;
using ErasWeb.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;

namespace ErasWeb.Tests.Support;

/// <summary>
/// The real app on Kestrel at a free loopback port, with its own data directory and database: a SQLite
/// file there, or a new PostgreSQL database when the tests run on PostgreSQL (<see cref="TestDatabase"/>).
/// </summary>
public class AppFixture : IAsyncLifetime
{
    WebApplication? app;
    string? postgres;
    string? databaseDir;

    /// <summary>Configuration on top of the test defaults (for example another model).</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; init; } = new Dictionary<string, string?>();
    public string DataDir { get; } = TestData.NewTempDir("app");
    public HttpClient Client { get; private set; } = null!;
    public Uri BaseAddress { get; private set; } = null!;
    public IServiceProvider Services => app!.Services;

    /// <summary>A smaller upload limit than the default, so the over-limit case needs little memory.</summary>
    public const long MaxUploadBytes = 3 * 1024 * 1024;

    public async Task InitializeAsync()
    {
        var configuration = new Dictionary<string, string?>
        {
            ["Eras:BackboneSource"] = TestData.BackboneSource,
            ["Eras:DataDir"] = DataDir,
            ["Eras:HeadPath"] = TestData.CommittedHead,
            ["Eras:MaxUploadBytes"] = MaxUploadBytes.ToString(),
            // Every test client is 127.0.0.1, and a fixture's tests upload and vote far more than a visitor would.
            ["Eras:PhotosPerMinute"] = "0",
            ["Eras:VideosPerHour"] = "0",
            ["Eras:VotesPerMinute"] = "0",
            ["Eras:NightsPerHour"] = "0",
            // Tests share the machine's cores with the tests running beside them: a video's work budget is
            // tested with a value of its own (VideoBadInputTests), not met by chance here.
            ["Eras:VideoWorkSecondsPerMinute"] = "300",
        };
        foreach (var (key, value) in await TestDatabase.SettingsAsync()) configuration[key] = value;
        postgres = configuration.GetValueOrDefault("Eras:Postgres");
        foreach (var (key, value) in Settings) configuration[key] = value;
        databaseDir = configuration["Eras:DataDir"];
        app = ErasApp.Build(["--urls", "http://127.0.0.1:0"], builder =>
        {
            builder.Configuration.AddInMemoryCollection(configuration);
            builder.Services.AddSingleton(TestData.Models); // the process's one backbone; an instance handed in is not disposed with the app
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address);
        Client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        await app.Services.GetRequiredService<ErasWeb.Classification.ModelHost>().ActiveAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));
    }

    public async Task<int> CountPredictionsAsync()
    {
        using var scope = app!.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<ErasDb>().Predictions.CountAsync();
    }

    /// <summary>The uploads waiting for a worker, by name: files in the uploads folder, and on PostgreSQL those kept in the database.</summary>
    public async Task<List<string>> WaitingUploadsAsync()
    {
        var folder = Path.Combine(DataDir, "uploads");
        var waiting = Directory.Exists(folder) ? Directory.EnumerateFileSystemEntries(folder).Select(e => Path.GetFileName(e)).ToList() : [];
        using var scope = app!.Services.CreateScope();
        if (scope.ServiceProvider.GetRequiredService<ErasDb>() is PostgresErasDb db)
            waiting.AddRange((await db.WaitingUploadChunks.Select(c => c.Name).ToListAsync()).Select(name => name.Split('/')[0]));
        return [.. waiting.Distinct()]; // a job's upload is in the database and, while it runs, in the folder too
    }

    public Task<HttpResponseMessage> UploadAsync(byte[] bytes, string fileName, string contentType = "image/jpeg") =>
        PostFileAsync(Client, bytes, fileName, contentType: contentType);

    /// <summary>
    /// POST /predict as clients do: the bytes in the multipart field "file"; <paramref name="query"/> such as "?wait=60";
    /// <paramref name="respondAsync"/> sends <c>Prefer: respond-async</c>, so a video is answered 202 at once.
    /// </summary>
    public static async Task<HttpResponseMessage> PostFileAsync(HttpClient client, byte[] bytes, string fileName, string query = "", string contentType = "application/octet-stream",
        bool respondAsync = false)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        form.Add(file, "file", fileName);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/predict" + query) { Content = form };
        if (respondAsync) request.Headers.Add("Prefer", "respond-async");
        return await client.SendAsync(request);
    }

    public async Task<T> UploadJsonAsync<T>(byte[] bytes, string fileName)
    {
        var response = await UploadAsync(bytes, fileName);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<T>())!;
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
        if (databaseDir is not null) TestDatabase.ClearSqlitePool(databaseDir);
        if (postgres is not null) await TestDatabase.DropPostgresAsync(postgres);
        try { Directory.Delete(DataDir, recursive: true); } catch (IOException) { }
    }
}

/// <summary>The app with its admin features on.</summary>
public sealed class AdminAppFixture : AppFixture
{
    public const string Token = "a-test-admin-token-that-is-long";

    public AdminAppFixture() => Settings = new Dictionary<string, string?> { ["Eras:AdminToken"] = Token };
}
