using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ErasWeb.Tests.Support;
using ErasWeb.Uploads;

namespace ErasWeb.Tests.Predictions;

/// <summary>The app with room for only one photo in memory at a time (the upload limit is 3 MB).</summary>
public sealed class OnePhotoInFlightAppFixture : AppFixture
{
    public OnePhotoInFlightAppFixture() => Settings = new Dictionary<string, string?> { ["Eras:MaxUploadBytesInFlight"] = MaxUploadBytes.ToString() };
}

public class UploadsInFlightTests(OnePhotoInFlightAppFixture app) : IClassFixture<OnePhotoInFlightAppFixture>
{
    [Fact]
    public async Task Past_the_cap_on_photo_bytes_in_memory_an_upload_gets_503_with_Retry_After_and_the_bytes_are_released_when_a_request_ends()
    {
        var inFlight = app.Services.GetRequiredService<PhotoBytesInFlight>();
        var first = File.ReadAllBytes(TestData.Photo("Acoustic/etl-28.jpeg"));   // 2.1 MB
        var second = File.ReadAllBytes(TestData.Photo("Red/etl-17.jpeg"));
        Assert.True(first.Length > 2_000_000);

        // The first upload sends 1.5 MB and stalls, holding its bytes as a slow client would.
        using var form = new MultipartFormDataContent { { new ByteArrayContent(first), "file", "first.jpeg" } };
        var body = await form.ReadAsByteArrayAsync();
        var resume = new TaskCompletionSource();
        var stalled = new StallingContent(body, 1_500_000, resume.Task);
        stalled.Headers.ContentType = form.Headers.ContentType;
        var firstResponse = app.Client.PostAsync("/predict", stalled);
        await Eventually.WaitForAsync(() => Task.FromResult(inFlight.Held), held => held >= 1_400_000, "the upload's first part to be held", Timeout, Poll);

        // 2.1 MB more would pass the 3 MB cap.
        var busy = await app.UploadAsync(first, "again.jpeg");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, busy.StatusCode);
        Assert.Equal("application/problem+json", busy.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(busy.Headers.RetryAfter);
        Assert.Contains("busy", (await busy.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.OK, (await app.Client.GetAsync("/ping")).StatusCode);

        resume.SetResult();
        var answered = await firstResponse;
        Assert.True(answered.IsSuccessStatusCode, await answered.Content.ReadAsStringAsync());
        await Eventually.WaitForAsync(() => Task.FromResult(inFlight.Held), held => held == 0, "nothing to be held", Timeout, Poll);
        var later = await app.UploadAsync(second, "second.jpeg");
        Assert.True(later.IsSuccessStatusCode, await later.Content.ReadAsStringAsync());
        await Eventually.WaitForAsync(() => Task.FromResult(inFlight.Held), held => held == 0, "nothing to be held", Timeout, Poll);
    }

    static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30), Poll = TimeSpan.FromMilliseconds(20);

    /// <summary>A request body sent in two parts, the second when <paramref name="resume"/> completes; no Content-Length, like a streaming client.</summary>
    sealed class StallingContent(byte[] body, int pauseAt, Task resume) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            await stream.WriteAsync(body.AsMemory(0, pauseAt));
            await stream.FlushAsync();
            await resume;
            await stream.WriteAsync(body.AsMemory(pauseAt));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
