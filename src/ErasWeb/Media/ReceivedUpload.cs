namespace ErasWeb.Media;

/// <summary>A received file: a photo (or anything that is not a video) in memory, or a video on disk.</summary>
public abstract record ReceivedUpload(string FileName);

/// <summary>
/// A photo, or anything that is not a video, held in memory. The bytes of a received one are lent
/// by the request (a pooled array) and must not be used after its response is done.
/// </summary>
public sealed record Upload(ReadOnlyMemory<byte> Bytes, string FileName) : ReceivedUpload(FileName);

/// <summary>A video streamed to <paramref name="Path"/>; whoever receives it deletes the file or hands it on.</summary>
public sealed record VideoUpload(string Path, SniffResult Sniff, long SizeBytes, string ContentSha256, string FileName) : ReceivedUpload(FileName);
