using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ErasWeb.Tests.Support;

namespace ErasWeb.Tests.Predictions;

public class BadInputTests(AppFixture app) : IClassFixture<AppFixture>
{
    static byte[] Make(string name)
    {
        var jpeg = File.ReadAllBytes(TestData.Photo("Fearless/etl-8.jpeg"));
        return name switch
        {
            "empty.jpg" => [],
            "truncated.jpg" => jpeg[..(jpeg.Length / 3)],
            "corrupt.jpg" => [.. jpeg[..3], .. Enumerable.Repeat((byte)7, 4000)],
            "photo.heic" => [0, 0, 0, 0x18, .. "ftypheic"u8.ToArray(), 0, 0, 0, 0, .. "mif1heic"u8.ToArray()],
            "drawing.svg" => "<svg xmlns=\"http://www.w3.org/2000/svg\"><circle r=\"4\"/></svg>"u8.ToArray(),
            "notes.jpg" => "these are my notes, not a photo"u8.ToArray(),
            "bomb.png" => Images.PngClaiming(50_000, 50_000),
            "huge.jpg" => [.. jpeg[..3], .. new byte[AppFixture.MaxUploadBytes]],
            _ => throw new ArgumentException(name),
        };
    }

    [Theory]
    [InlineData("empty.jpg", 400, "empty")]
    [InlineData("truncated.jpg", 400, "truncated")]
    [InlineData("corrupt.jpg", 400, "cannot be decoded")]
    [InlineData("photo.heic", 415, "HEIC")]
    [InlineData("drawing.svg", 415, "SVG")]
    [InlineData("notes.jpg", 415, "text")]
    [InlineData("bomb.png", 413, "50000x50000")]
    [InlineData("huge.jpg", 413, "limit")]
    public async Task Bad_files_get_a_problem_response_leave_nothing_behind_and_the_server_keeps_serving(string name, int status, string reason)
    {
        var bytes = Make(name);
        int rowsBefore = await app.CountPredictionsAsync();
        var response = await app.UploadAsync(bytes, name);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        Assert.Contains(reason, problem.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));

        Assert.Equal(rowsBefore, await app.CountPredictionsAsync());
        // Nothing but the database, the prepared model and the data protection keys: no stray upload.
        Assert.Empty(Directory.GetFileSystemEntries(app.DataDir).Select(Path.GetFileName).Except(["eras.db", "eras.db-shm", "eras.db-wal", "models", "keys"]));
        Assert.Equal(HttpStatusCode.OK, (await app.Client.GetAsync("/ping")).StatusCode);
    }

    [Fact]
    public async Task A_request_without_the_file_field_or_not_multipart_says_how_to_send_it()
    {
        var notMultipart = await app.Client.PostAsync("/predict", new ByteArrayContent([1, 2, 3]));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, notMultipart.StatusCode);
        Assert.Contains("multipart/form-data", (await notMultipart.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());

        using var form = new MultipartFormDataContent { { new ByteArrayContent([1, 2, 3]), "photo", "x.jpg" } };
        var noField = await app.Client.PostAsync("/predict", form);
        Assert.Equal(HttpStatusCode.BadRequest, noField.StatusCode);
        Assert.Contains("'file'", (await noField.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_file_name_with_markup_or_control_characters_is_kept_only_as_display_text()
    {
        var bytes = File.ReadAllBytes(TestData.Photo("Fearless/etl-10.jpeg"));
        var json = await app.UploadJsonAsync<JsonElement>(bytes, "<script>alert(1)</script>\u0007.jpg");
        Assert.Equal("<script>alert(1)</script>.jpg", json.GetProperty("file_name").GetString());
        // Nothing but the database, the prepared model and the data protection keys: no stray upload.
        Assert.Empty(Directory.GetFileSystemEntries(app.DataDir).Select(Path.GetFileName).Except(["eras.db", "eras.db-shm", "eras.db-wal", "models", "keys"]));
    }
}
