namespace ErasWeb.Shows;

/// <summary>Whether a video is read as a show: <c>auto</c> (when it is long enough), <c>show</c> (always) or <c>free</c> (never: frames on their own).</summary>
public enum DecodeMode { Auto, Show, Free }
