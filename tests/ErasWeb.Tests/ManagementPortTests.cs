using System.Net;
using System.Net.Sockets;
using ErasWeb.Tests.Support;

namespace ErasWeb.Tests;

/// <summary>ERAS_MANAGEMENT_URLS: health and metrics on a port of their own, and off the public one.</summary>
public class ManagementPortTests
{
    /// <summary>A port nothing listens on now: the management URL needs a fixed one.</summary>
    static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try { return ((IPEndPoint)listener.LocalEndpoint).Port; }
        finally { listener.Stop(); }
    }

    [Fact]
    public async Task Health_and_metrics_answer_on_the_management_port_alone_and_it_answers_nothing_else()
    {
        var management = new Uri($"http://127.0.0.1:{FreePort()}");
        var app = new AppFixture { Settings = new Dictionary<string, string?> { ["Eras:ManagementUrls"] = management.GetLeftPart(UriPartial.Authority) } };
        await app.InitializeAsync();
        try
        {
            using var monitor = new HttpClient { BaseAddress = management };
            Assert.Equal(HttpStatusCode.OK, (await monitor.GetAsync("/health/live")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await monitor.GetAsync("/health/ready")).StatusCode);
            var metrics = await monitor.GetAsync("/metrics");
            Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
            Assert.Contains("erasweb_jobs{", await metrics.Content.ReadAsStringAsync());
            foreach (var path in (string[])["/ping", "/", "/api/model"])
                Assert.Equal(HttpStatusCode.NotFound, (await monitor.GetAsync(path)).StatusCode);

            Assert.NotEqual(management.Port, app.BaseAddress.Port);
            foreach (var path in (string[])["/health/live", "/health/ready", "/metrics"])
                Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsync(path)).StatusCode);
            // The port the connection came in on decides, not the one a Host header names.
            using var claimed = new HttpRequestMessage(HttpMethod.Get, "/metrics") { Headers = { Host = $"127.0.0.1:{management.Port}" } };
            Assert.Equal(HttpStatusCode.NotFound, (await app.Client.SendAsync(claimed)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await app.Client.GetAsync("/ping")).StatusCode);
        }
        finally { await app.DisposeAsync(); }
    }

    [Fact]
    [Trait("Category", "MultiProcess")]
    public async Task A_worker_answers_health_and_metrics_on_its_management_port_and_nothing_on_its_public_one()
    {
        var dataDir = TestData.NewTempDir("management-worker");
        var database = await TestDatabase.CreatePostgresAsync();
        try
        {
            using var worker = await AppProcess.StartAsync(dataDir, new Dictionary<string, string>
            {
                ["ERAS_ROLE"] = "worker",
                ["ERAS_DATABASE_PROVIDER"] = "postgres",
                ["ERAS_POSTGRES"] = database,
                ["ERAS_MANAGEMENT_URLS"] = $"http://127.0.0.1:{FreePort()}",
            });
            Assert.Equal(HttpStatusCode.OK, (await worker.Management.GetAsync("/health/ready")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await worker.Management.GetAsync("/metrics")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await worker.Management.GetAsync("/api/predictions")).StatusCode);
            foreach (var path in (string[])["/health/ready", "/metrics", "/api/predictions", "/"])
                Assert.Equal(HttpStatusCode.NotFound, (await worker.Client.GetAsync(path)).StatusCode);
        }
        finally
        {
            await TestDatabase.DropPostgresAsync(database);
            Directory.Delete(dataDir, recursive: true);
        }
    }
}
