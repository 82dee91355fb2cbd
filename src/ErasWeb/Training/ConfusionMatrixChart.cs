using System.Globalization;
using ErasWeb.Classification;
using SkiaSharp;

namespace ErasWeb.Training;

/// <summary>
/// An evaluation's confusion matrix as a PNG: rows are the true era, columns the predicted era,
/// each cell shows its count and is coloured by its share of the row, so a rare era's mistakes
/// stand out as much as a common one's. The chart is square for any number of labels.
/// </summary>
public static class ConfusionMatrixChart
{
    public const int CellSize = 64;
    // Left + Right == Top + Bottom keeps the chart square.
    const int Left = 192, Top = 192, Right = 64, Bottom = 64;

    static readonly SKColor Ink = new(0x22, 0x22, 0x22);
    static readonly SKColor Muted = new(0x66, 0x66, 0x66);
    static readonly SKColor Faint = new(0xBB, 0xBB, 0xBB);
    static readonly SKColor NoPhotos = new(0xF0, 0xF0, 0xF0);

    // White through yellow and orange to dark red: lightness falls with the share, so it also reads in greyscale.
    static readonly (float At, SKColor Color)[] HeatStops =
    [
        (0f, new SKColor(0xFF, 0xFF, 0xFF)),
        (0.1f, new SKColor(0xFF, 0xF3, 0xB8)),
        (0.35f, new SKColor(0xFD, 0xC0, 0x5A)),
        (0.65f, new SKColor(0xF0, 0x62, 0x2C)),
        (1f, new SKColor(0xA5, 0x0F, 0x2A)),
    ];

    /// <summary>Where the cell of a true era (row) and a predicted era (column) is drawn, in pixels of the PNG.</summary>
    public static SKRectI CellBounds(int row, int column) =>
        SKRectI.Create(Left + column * CellSize, Top + row * CellSize, CellSize, CellSize);

    /// <summary>Which font the text is drawn with on this machine: a font file, or the built-in one when none is installed.</summary>
    public static string FontDescription => (ChartText.System.Value ?? ChartText.BuiltIn).Description;

    /// <param name="labels">The eras in the order of the matrix's rows and columns (the keys of <see cref="EvaluationReport.PerClass"/>).</param>
    public static byte[] RenderPng(EvaluationReport report, IReadOnlyList<string> labels) =>
        Render(report, labels, ChartText.System.Value ?? ChartText.BuiltIn);

    /// <summary>As <see cref="RenderPng(EvaluationReport, IReadOnlyList{string})"/>, optionally forcing the built-in font a machine without fonts gets.</summary>
    public static byte[] RenderPng(EvaluationReport report, IReadOnlyList<string> labels, bool builtInFont) =>
        Render(report, labels, builtInFont ? ChartText.BuiltIn : ChartText.System.Value ?? ChartText.BuiltIn);

    static byte[] Render(EvaluationReport report, IReadOnlyList<string> labels, ChartText text)
    {
        int n = labels.Count;
        if (n == 0) throw new ArgumentException("A confusion matrix needs at least one label.", nameof(labels));
        if (report.Confusion.Length != n || report.Confusion.Any(row => row.Length != n))
            throw new ArgumentException($"The confusion matrix is not {n}x{n}, one row and column per label.", nameof(report));

        int grid = n * CellSize, width = Left + grid + Right, height = Top + grid + Bottom;
        using var surface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul))
            ?? throw new InvalidOperationException("Skia could not allocate the chart.");
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);

        var scores = string.Create(CultureInfo.InvariantCulture, $"accuracy {report.Accuracy:0.000}, macro F1 {report.MacroF1:0.000}, {report.Samples} photos");
        var title = $"{report.Method}: {scores}";
        const float titleSize = 20;
        if (text.Width(title, titleSize, bold: true) <= width - 32)
            text.Draw(canvas, title, 16, 30, titleSize, SKTextAlign.Left, Ink, bold: true);
        else
        {
            // Too long for one line at a readable size: the method above, the scores below.
            text.Draw(canvas, report.Method, 16, 26, text.FitSize([report.Method], titleSize, width - 32, bold: true), SKTextAlign.Left, Ink, bold: true);
            text.Draw(canvas, scores, 16, 52, text.FitSize([scores], 16, width - 32, bold: false), SKTextAlign.Left, Ink);
        }

        text.Draw(canvas, "predicted era", Left + grid / 2f, 80, 14, SKTextAlign.Center, Muted);
        canvas.Save();
        canvas.Translate(24, Top + grid / 2f);
        canvas.RotateDegrees(-90);
        text.Draw(canvas, "true era", 0, 0, 14, SKTextAlign.Center, Muted);
        canvas.Restore();

        // Column labels slant up to the right so long names fit over narrow columns.
        float labelSize = text.FitSize(labels, 15, 120, bold: false);
        for (int i = 0; i < n; i++)
        {
            float middle = i * CellSize + CellSize / 2f;
            text.Draw(canvas, labels[i], Left - 10, Top + middle, labelSize, SKTextAlign.Right, Ink);
            canvas.Save();
            canvas.Translate(Left + middle - 4, Top - 12);
            canvas.RotateDegrees(-45);
            text.Draw(canvas, labels[i], 0, 0, labelSize, SKTextAlign.Left, Ink);
            canvas.Restore();
        }

        using var fill = new SKPaint { Style = SKPaintStyle.Fill };
        using var outline = new SKPaint { Style = SKPaintStyle.Stroke, StrokeWidth = 2, Color = Ink, IsAntialias = true };
        using var separator = new SKPaint { Style = SKPaintStyle.Stroke, StrokeWidth = 1, Color = new SKColor(0xE0, 0xE0, 0xE0) };
        float countSize = n > 12 ? 14 : 18;
        text.Draw(canvas, "n", Left + grid + Right / 2f, Top - 12, 13, SKTextAlign.Center, Muted);
        for (int r = 0; r < n; r++)
        {
            int support = report.Confusion[r].Sum();
            for (int c = 0; c < n; c++)
            {
                int count = report.Confusion[r][c];
                SKRect cell = CellBounds(r, c);
                fill.Color = support == 0 ? NoPhotos : Heat((float)count / support);
                canvas.DrawRect(cell, fill);
                canvas.DrawRect(cell, separator);
                var ink = count == 0 ? Faint : Luminance(fill.Color) < 0.5f ? SKColors.White : Ink;
                text.Draw(canvas, count.ToString(CultureInfo.InvariantCulture), cell.MidX, cell.MidY, countSize, SKTextAlign.Center, ink, bold: count > 0);
                if (r == c) canvas.DrawRect(SKRect.Inflate(cell, -1.5f, -1.5f), outline);
            }
            text.Draw(canvas, support.ToString(CultureInfo.InvariantCulture), Left + grid + Right / 2f, Top + r * CellSize + CellSize / 2f, 14, SKTextAlign.Center, Muted);
        }

        // What the colour means, with its scale.
        const string note = "Colour: share of the true era's photos (each row sums to 100%). Outlined: correct.";
        // Under the grid if it fits there (a chart of a few eras is narrow), else from the left edge.
        float noteLeft = text.Width(note, 12, bold: false) <= width - Left - 16 ? Left : 16;
        text.Draw(canvas, note, noteLeft, Top + grid + 22, text.FitSize([note], 12, width - noteLeft - 16, bold: false), SKTextAlign.Left, Muted);
        float barY = Top + grid + 38, barWidth = 160;
        for (int i = 0; i < 40; i++)
        {
            fill.Color = Heat((i + 0.5f) / 40);
            canvas.DrawRect(SKRect.Create(Left + i * barWidth / 40, barY, barWidth / 40 + 0.5f, 10), fill);
        }
        text.Draw(canvas, "0%", Left - 6, barY + 5, 11, SKTextAlign.Right, Muted);
        text.Draw(canvas, "100%", Left + barWidth + 6, barY + 5, 11, SKTextAlign.Left, Muted);

        using var image = surface.Snapshot();
        using var png = image.Encode(SKEncodedImageFormat.Png, 100) ?? throw new InvalidOperationException("PNG encoding failed.");
        return png.ToArray();
    }

    static SKColor Heat(float share)
    {
        share = Math.Clamp(share, 0, 1);
        for (int i = 1; i < HeatStops.Length; i++)
        {
            if (share > HeatStops[i].At) continue;
            var (from, to) = (HeatStops[i - 1], HeatStops[i]);
            float t = (share - from.At) / (to.At - from.At);
            static byte Mix(byte a, byte b, float t) => (byte)MathF.Round(a + (b - a) * t);
            return new SKColor(Mix(from.Color.Red, to.Color.Red, t), Mix(from.Color.Green, to.Color.Green, t), Mix(from.Color.Blue, to.Color.Blue, t));
        }
        return HeatStops[^1].Color;
    }

    static float Luminance(SKColor c) => (0.2126f * c.Red + 0.7152f * c.Green + 0.0722f * c.Blue) / 255f;

    /// <summary>
    /// Text from an installed font when there is one, else from a small built-in pixel font.
    /// SkiaSharp's Linux "NoDependencies" build has no fontconfig, so its default typeface has no
    /// glyphs at all: without a font file, text would silently vanish.
    /// </summary>
    abstract class ChartText
    {
        public abstract string Description { get; }
        public abstract float Width(string text, float size, bool bold);
        /// <summary>Draws text whose capitals are vertically centred on <paramref name="middle"/>.</summary>
        public abstract void Draw(SKCanvas canvas, string text, float x, float middle, float size, SKTextAlign align, SKColor color, bool bold = false);

        /// <summary>The largest size up to <paramref name="size"/> at which every text fits in <paramref name="maxWidth"/>.</summary>
        public float FitSize(IEnumerable<string> texts, float size, float maxWidth, bool bold)
        {
            // Stepwise: the pixel font only comes in whole-pixel sizes, so widths do not scale smoothly.
            var all = texts.ToList();
            while (size > 8 && all.Any(t => Width(t, size, bold) > maxWidth)) size -= 0.5f;
            return size;
        }

        public static readonly Lazy<ChartText?> System = new(TypefaceText.FindInstalled);
        public static readonly ChartText BuiltIn = new PixelText();
    }

    sealed class TypefaceText(SKTypeface regular, SKTypeface? bold, string description) : ChartText
    {
        const string Sample = "0123456789 ABCDEFGHIJKLMNOPQRSTUVWXYZ abcdefghijklmnopqrstuvwxyz .,:()%-";

        // Sans-serif faces Debian, Fedora, macOS and Windows install; any other font file is a last resort.
        static readonly string[] RegularFiles = ["DejaVuSans.ttf", "LiberationSans-Regular.ttf", "NotoSans-Regular.ttf", "FreeSans.ttf", "Arial.ttf", "arial.ttf", "Helvetica.ttc", "segoeui.ttf"];
        static readonly string[] BoldFiles = ["DejaVuSans-Bold.ttf", "LiberationSans-Bold.ttf", "NotoSans-Bold.ttf", "FreeSansBold.ttf", "Arial Bold.ttf", "arialbd.ttf", "segoeuib.ttf"];

        public override string Description => description;

        public static ChartText? FindInstalled()
        {
            var files = FontFiles();
            (SKTypeface Typeface, string File)? Preferred(string[] names) => names
                .SelectMany(name => files.Where(f => string.Equals(Path.GetFileName(f), name, StringComparison.Ordinal)))
                .Select(f => Load(f) is { } t ? (t, f) : default((SKTypeface, string)?))
                .FirstOrDefault(t => t is not null);

            if (Preferred(RegularFiles) is ({ } regular, { } regularFile))
                return new TypefaceText(regular, Preferred(BoldFiles)?.Typeface, $"{regular.FamilyName} ({regularFile})");
            // Windows and macOS builds of Skia find system fonts themselves.
            if (HasGlyphs(SKTypeface.Default)) return new TypefaceText(SKTypeface.Default, null, $"{SKTypeface.Default.FamilyName} (Skia's default)");
            foreach (var file in files)
                if (Load(file) is { } any) return new TypefaceText(any, null, $"{any.FamilyName} ({file})");
            return null;
        }

        static List<string> FontFiles()
        {
            string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            string[] dirs = ["/usr/share/fonts", "/usr/local/share/fonts", Path.Combine(home, ".local/share/fonts"), Path.Combine(home, ".fonts"),
                "/Library/Fonts", "/System/Library/Fonts", Environment.GetFolderPath(Environment.SpecialFolder.Fonts)];
            var search = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true };
            return dirs.Where(d => d.Length > 0 && Directory.Exists(d))
                .SelectMany(d => Directory.EnumerateFiles(d, "*", search))
                .Where(f => Path.GetExtension(f).ToLowerInvariant() is ".ttf" or ".otf" or ".ttc")
                .Order(StringComparer.Ordinal).ToList();
        }

        static SKTypeface? Load(string file)
        {
            var typeface = SKTypeface.FromFile(file);
            if (typeface is not null && HasGlyphs(typeface)) return typeface;
            typeface?.Dispose();
            return null;
        }

        static bool HasGlyphs(SKTypeface typeface)
        {
            using var font = new SKFont(typeface);
            return font.ContainsGlyphs(Sample);
        }

        SKFont Font(float size, bool isBold) => new(isBold && bold is not null ? bold : regular, size)
        {
            Embolden = isBold && bold is null,
            Subpixel = true,
            Edging = SKFontEdging.Antialias,
        };

        public override float Width(string text, float size, bool isBold)
        {
            using var font = Font(size, isBold);
            return font.MeasureText(text);
        }

        public override void Draw(SKCanvas canvas, string text, float x, float middle, float size, SKTextAlign align, SKColor color, bool isBold = false)
        {
            using var font = Font(size, isBold);
            using var paint = new SKPaint { Color = color, IsAntialias = true };
            float capHeight = font.Metrics.CapHeight > 0 ? font.Metrics.CapHeight : -font.Metrics.Ascent * 0.7f;
            canvas.DrawText(text, x, middle + capHeight / 2, align, font, paint);
        }
    }

    /// <summary>
    /// A 5x7 pixel font of capitals, digits and common punctuation, drawn as squares: enough for
    /// era names, numbers and the title when the machine has no font file. Lower case is shown as capitals.
    /// </summary>
    sealed class PixelText : ChartText
    {
        const int Columns = 5, Rows = 7;

        static readonly Dictionary<char, string> Art = new()
        {
            ['A'] = ".###. #...# #...# ##### #...# #...# #...#",
            ['B'] = "####. #...# #...# ####. #...# #...# ####.",
            ['C'] = ".###. #...# #.... #.... #.... #...# .###.",
            ['D'] = "####. #...# #...# #...# #...# #...# ####.",
            ['E'] = "##### #.... #.... ####. #.... #.... #####",
            ['F'] = "##### #.... #.... ####. #.... #.... #....",
            ['G'] = ".###. #...# #.... #.### #...# #...# .####",
            ['H'] = "#...# #...# #...# ##### #...# #...# #...#",
            ['I'] = ".###. ..#.. ..#.. ..#.. ..#.. ..#.. .###.",
            ['J'] = "..### ...#. ...#. ...#. ...#. #..#. .##..",
            ['K'] = "#...# #..#. #.#.. ##... #.#.. #..#. #...#",
            ['L'] = "#.... #.... #.... #.... #.... #.... #####",
            ['M'] = "#...# ##.## #.#.# #.#.# #...# #...# #...#",
            ['N'] = "#...# #...# ##..# #.#.# #..## #...# #...#",
            ['O'] = ".###. #...# #...# #...# #...# #...# .###.",
            ['P'] = "####. #...# #...# ####. #.... #.... #....",
            ['Q'] = ".###. #...# #...# #...# #.#.# #..#. .##.#",
            ['R'] = "####. #...# #...# ####. #.#.. #..#. #...#",
            ['S'] = ".#### #.... #.... .###. ....# ....# ####.",
            ['T'] = "##### ..#.. ..#.. ..#.. ..#.. ..#.. ..#..",
            ['U'] = "#...# #...# #...# #...# #...# #...# .###.",
            ['V'] = "#...# #...# #...# #...# #...# .#.#. ..#..",
            ['W'] = "#...# #...# #...# #.#.# #.#.# #.#.# .#.#.",
            ['X'] = "#...# #...# .#.#. ..#.. .#.#. #...# #...#",
            ['Y'] = "#...# #...# .#.#. ..#.. ..#.. ..#.. ..#..",
            ['Z'] = "##### ....# ...#. ..#.. .#... #.... #####",
            ['0'] = ".###. #...# #..## #.#.# ##..# #...# .###.",
            ['1'] = "..#.. .##.. ..#.. ..#.. ..#.. ..#.. .###.",
            ['2'] = ".###. #...# ....# ...#. ..#.. .#... #####",
            ['3'] = "####. ....# ....# .###. ....# ....# ####.",
            ['4'] = "...#. ..##. .#.#. #..#. ##### ...#. ...#.",
            ['5'] = "##### #.... ####. ....# ....# #...# .###.",
            ['6'] = "..##. .#... #.... ####. #...# #...# .###.",
            ['7'] = "##### ....# ...#. ..#.. .#... .#... .#...",
            ['8'] = ".###. #...# #...# .###. #...# #...# .###.",
            ['9'] = ".###. #...# #...# .#### ....# ...#. .##..",
            [' '] = "..... ..... ..... ..... ..... ..... .....",
            ['.'] = "..... ..... ..... ..... ..... .##.. .##..",
            [','] = "..... ..... ..... ..... .##.. ..#.. .#...",
            [':'] = "..... .##.. .##.. ..... .##.. .##.. .....",
            [';'] = "..... .##.. .##.. ..... .##.. ..#.. .#...",
            ['-'] = "..... ..... ..... .###. ..... ..... .....",
            ['+'] = "..... ..#.. ..#.. ##### ..#.. ..#.. .....",
            ['='] = "..... ..... ##### ..... ##### ..... .....",
            ['('] = "...#. ..#.. .#... .#... .#... ..#.. ...#.",
            [')'] = ".#... ..#.. ...#. ...#. ...#. ..#.. .#...",
            ['['] = ".###. .#... .#... .#... .#... .#... .###.",
            [']'] = ".###. ...#. ...#. ...#. ...#. ...#. .###.",
            ['/'] = "....# ....# ...#. ..#.. .#... #.... #....",
            ['%'] = "##..# ##..# ...#. ..#.. .#... #..## #..##",
            ['\''] = "..#.. ..#.. .#... ..... ..... ..... .....",
            ['"'] = ".#.#. .#.#. ..... ..... ..... ..... .....",
            ['_'] = "..... ..... ..... ..... ..... ..... #####",
            ['!'] = "..#.. ..#.. ..#.. ..#.. ..#.. ..... ..#..",
            ['?'] = ".###. #...# ....# ...#. ..#.. ..... ..#..",
            ['*'] = "..... ..#.. #.#.# .###. #.#.# ..#.. .....",
            ['#'] = ".#.#. .#.#. ##### .#.#. ##### .#.#. .#.#.",
            ['&'] = ".##.. #..#. #.#.. .#... #.#.# #..#. .##.#",
            ['<'] = "...#. ..#.. .#... #.... .#... ..#.. ...#.",
            ['>'] = ".#... ..#.. ...#. ....# ...#. ..#.. .#...",
            ['|'] = "..#.. ..#.. ..#.. ..#.. ..#.. ..#.. ..#..",
            ['@'] = ".###. #...# #.### #.#.# #.### #.... .###.",
            ['\u00B7'] = "..... ..... ..... ..#.. ..... ..... .....",
            ['\uFFFD'] = "##### #...# #...# #...# #...# #...# #####",
        };

        // Each glyph as one bit mask per row, most significant bit the leftmost column.
        static readonly Dictionary<char, byte[]> Glyphs = Art.ToDictionary(g => g.Key, g => Parse(g.Key, g.Value));

        static byte[] Parse(char key, string art)
        {
            var rows = art.Split(' ');
            if (rows.Length != Rows || rows.Any(r => r.Length != Columns || r.Any(ch => ch is not ('#' or '.'))))
                throw new InvalidOperationException($"The pixel font's glyph for '{key}' is not {Columns}x{Rows}.");
            return rows.Select(r => (byte)r.Aggregate(0, (bits, ch) => bits << 1 | (ch == '#' ? 1 : 0))).ToArray();
        }

        public override string Description => "built-in 5x7 pixel font (no font file found)";

        // Whole pixels keep the glyphs sharp; 7 rows of size/9 come out a little taller than a font's capitals, which reads better at this resolution.
        static float Pixel(float size) => Math.Max(1, MathF.Round(size / 9));

        static byte[] Glyph(char c) =>
            Glyphs.TryGetValue(char.ToUpperInvariant(c), out var g) ? g
            : c is '\u2013' or '\u2014' ? Glyphs['-']
            : Glyphs['\uFFFD'];

        public override float Width(string text, float size, bool bold) =>
            text.Length == 0 ? 0 : (text.Length * (Columns + 1) - 1) * Pixel(size);

        public override void Draw(SKCanvas canvas, string text, float x, float middle, float size, SKTextAlign align, SKColor color, bool bold = false)
        {
            float pixel = Pixel(size), width = Width(text, size, bold);
            float left = MathF.Round(align switch { SKTextAlign.Center => x - width / 2, SKTextAlign.Right => x - width, _ => x });
            float top = MathF.Round(middle - Rows * pixel / 2);
            // Bold widens every stroke by half a pixel to the right.
            float stroke = bold ? pixel * 1.5f : pixel;
            using var paint = new SKPaint { Color = color, IsAntialias = true, Style = SKPaintStyle.Fill };
            for (int i = 0; i < text.Length; i++)
            {
                var glyph = Glyph(text[i]);
                float glyphLeft = left + i * (Columns + 1) * pixel;
                for (int row = 0; row < Rows; row++)
                    for (int col = 0; col < Columns; col++)
                        if ((glyph[row] >> (Columns - 1 - col) & 1) != 0)
                            canvas.DrawRect(glyphLeft + col * pixel, top + row * pixel, stroke, pixel, paint);
            }
        }
    }
}
