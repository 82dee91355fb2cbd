using System.Runtime.InteropServices;

namespace ErasWeb.Configuration;

/// <summary>Whether a directory exists, or could be created, and may be written in, asked of the OS without writing anything.</summary>
static partial class WritableDirectory
{
    /// <summary>Null when the process may write there (or create it there), else what is wrong.</summary>
    public static string? Problem(string path)
    {
        if (File.Exists(path)) return "is a file, not a directory";
        // The directory itself, or the nearest ancestor that exists, is where files would be made.
        var existing = new DirectoryInfo(path);
        while (existing is { Exists: false })
        {
            if (existing.Parent is { } parent && File.Exists(parent.FullName)) return $"cannot be created: '{parent.FullName}' is a file";
            existing = existing.Parent;
        }
        if (existing is null) return "has no existing parent directory";
        if (OperatingSystem.IsWindows()) return null;
        return Access(existing.FullName, WriteAndSearch) == 0 ? null
            : existing.FullName == Path.GetFullPath(path) ? "is not writable" : $"cannot be created: '{existing.FullName}' is not writable";
    }

    const int WriteAndSearch = 2 | 1; // W_OK | X_OK

    [LibraryImport("libc", EntryPoint = "access", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Access(string path, int mode);
}
