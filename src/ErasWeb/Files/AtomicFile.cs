namespace ErasWeb.Files;

/// <summary>
/// Writes a file aside (a temporary name in the same directory) and moves it into place only once
/// it is complete, so a crash, Ctrl+C or a reader at the wrong moment never sees half a file under
/// the real name. The directory is created if needed.
/// </summary>
public static class AtomicFile
{
    public static void Write(string path, Action<Stream> write)
    {
        var (full, temp) = Prepare(path);
        try
        {
            using (var stream = File.Create(temp)) write(stream);
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            File.Delete(temp); // gone already once moved
        }
    }

    public static async Task WriteAsync(string path, Func<Stream, Task> write)
    {
        var (full, temp) = Prepare(path);
        try
        {
            await using (var stream = File.Create(temp)) await write(stream);
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    public static void WriteAllBytes(string path, byte[] bytes) => Write(path, stream => stream.Write(bytes));

    public static Task WriteAllBytesAsync(string path, byte[] bytes, CancellationToken ct) => WriteAsync(path, stream => stream.WriteAsync(bytes, ct).AsTask());

    static (string Full, string Temp) Prepare(string path)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        return (full, $"{full}.{Guid.NewGuid():N}.tmp");
    }
}
