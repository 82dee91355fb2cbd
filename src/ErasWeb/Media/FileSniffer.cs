using System.Text;
using ErasWeb.Localisation;

namespace ErasWeb.Media;

public enum MediaFormat { Unknown, Jpeg, Png, Gif, Bmp, WebP, Heif, Avif, Svg, Text, Mp4, QuickTime, Matroska, Avi }

public readonly record struct SniffResult(MediaFormat Format)
{
    public bool IsImage => Format is MediaFormat.Jpeg or MediaFormat.Png or MediaFormat.Gif or MediaFormat.Bmp or MediaFormat.WebP;
    public bool IsVideo => Format is MediaFormat.Mp4 or MediaFormat.QuickTime or MediaFormat.Matroska or MediaFormat.Avi;
    public string Name => Format switch
    {
        MediaFormat.Jpeg => "JPEG",
        MediaFormat.Png => "PNG",
        MediaFormat.Gif => "GIF",
        MediaFormat.Bmp => "BMP",
        MediaFormat.WebP => "WebP",
        MediaFormat.Heif => "HEIC/HEIF",
        MediaFormat.Avif => "AVIF",
        MediaFormat.Svg => "SVG",
        MediaFormat.Text => "text",
        MediaFormat.Mp4 => "MP4",
        MediaFormat.QuickTime => "QuickTime (MOV)",
        MediaFormat.Matroska => "WebM/Matroska",
        MediaFormat.Avi => "AVI",
        _ => "an unknown format",
    };
}

/// <summary>Decides what a file is from its first bytes; names and Content-Type headers are not trusted.</summary>
public static class FileSniffer
{
    public const int HeaderLength = 64;

    static readonly string[] HeifBrands = ["heic", "heix", "hevc", "hevx", "heim", "heis", "hevm", "hevs", "mif1", "msf1"];
    static readonly string[] QuickTimeAtoms = ["moov", "mdat", "wide", "free", "skip", "pnot"];

    /// <summary>Refuses, with a reason a person can act on, anything that is not an image we decode.</summary>
    public static SniffResult SniffImage(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length == 0) throw MediaRejectedException.Empty();
        var sniff = SniffContent(bytes);
        if (sniff.IsImage) return sniff;
        var accepted = Texts.Say("Media.AcceptedPhotos");
        throw MediaRejectedException.Unsupported(sniff.Format switch
        {
            MediaFormat.Heif => Texts.Say("Media.Heif"),
            MediaFormat.Svg => Texts.Say("Media.Svg", accepted),
            MediaFormat.Text => Texts.Say("Media.Text", accepted),
            _ when sniff.IsVideo => Texts.Say("Media.VideoNotHere", sniff.Name, accepted),
            MediaFormat.Unknown => Texts.Say("Media.Unknown", accepted),
            _ => Texts.Say("Media.UnsupportedImage", sniff.Name, accepted),
        });
    }

    /// <summary>Sniffs a whole file's bytes by looking at its first <see cref="HeaderLength"/> only.</summary>
    public static SniffResult SniffContent(ReadOnlySpan<byte> content) => Sniff(content[..Math.Min(content.Length, HeaderLength)]);

    public static SniffResult Sniff(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith<byte>([0xFF, 0xD8, 0xFF])) return new(MediaFormat.Jpeg);
        if (head.StartsWith<byte>([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A])) return new(MediaFormat.Png);
        if (Ascii(head, 0, 6) is "GIF87a" or "GIF89a") return new(MediaFormat.Gif);
        if (Ascii(head, 0, 2) == "BM" && head.Length >= 26) return new(MediaFormat.Bmp);
        if (Ascii(head, 0, 4) == "RIFF")
        {
            var form = Ascii(head, 8, 4);
            if (form == "WEBP") return new(MediaFormat.WebP);
            if (form == "AVI ") return new(MediaFormat.Avi);
        }
        if (head.StartsWith<byte>([0x1A, 0x45, 0xDF, 0xA3])) return new(MediaFormat.Matroska);
        var box = Ascii(head, 4, 4);
        if (box == "ftyp")
        {
            var brand = Ascii(head, 8, 4);
            if (HeifBrands.Contains(brand)) return new(MediaFormat.Heif);
            if (brand is "avif" or "avis") return new(MediaFormat.Avif);
            return new(brand == "qt  " ? MediaFormat.QuickTime : MediaFormat.Mp4);
        }
        if (QuickTimeAtoms.Contains(box)) return new(MediaFormat.QuickTime);
        return LooksLikeText(head) is { } text ? new(text) : new(MediaFormat.Unknown);
    }

    static MediaFormat? LooksLikeText(ReadOnlySpan<byte> head)
    {
        if (head.IsEmpty) return null;
        var start = head.StartsWith<byte>([0xEF, 0xBB, 0xBF]) ? head[3..] : head;
        foreach (var b in start)
            if (b < 0x09 || (b > 0x0D && b < 0x20 && b != 0x1B)) return null;
        var text = Encoding.UTF8.GetString(start).TrimStart();
        return text.StartsWith('<') && text.Contains("svg", StringComparison.OrdinalIgnoreCase) || text.StartsWith("<?xml")
            ? MediaFormat.Svg
            : MediaFormat.Text;
    }

    static string Ascii(ReadOnlySpan<byte> data, int offset, int length) =>
        data.Length >= offset + length ? Encoding.ASCII.GetString(data.Slice(offset, length)) : "";
}
