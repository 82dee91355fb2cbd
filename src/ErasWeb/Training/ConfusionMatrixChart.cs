using System.Globalization;
using ErasWeb.Classification;
using ScottPlot;
using ScottPlot.TickGenerators;
using SkiaSharp;

namespace ErasWeb.Training;

/// <summary>
/// An evaluation's confusion matrix as a PNG drawn with ScottPlot: rows are the true era, columns the
/// predicted era, each cell shows its count and is coloured by its share of the row, so a rare era's
/// mistakes stand out as much as a common one's. Cells are square for any number of eras.
/// </summary>
public static class ConfusionMatrixChart
{
    /// <summary>A cell's side in pixels (larger for a chart of very few eras, so the colour scale's label fits beside it).</summary>
    public const int CellSize = 64;

    // White through yellow and orange to dark red: lightness falls with the share, so it also reads in greyscale.
    static readonly IColormap Heat = new ScottPlot.Colormaps.CustomInterpolated(
        [Colors.White, Color.FromHex("#FFF3B8"), Color.FromHex("#FDC05A"), Color.FromHex("#F0622C"), Color.FromHex("#A50F2A")]);
    static readonly Color NoPhotos = Color.FromHex("#E4E4E4");

    /// <summary>The PNG, and where the cell of a true era (row) and a predicted era (column) was drawn in it.</summary>
    public sealed record Rendering(byte[] Png, Func<int, int, SKRect> CellBounds);

    /// <param name="labels">The eras in the order of the matrix's rows and columns (the keys of <see cref="EvaluationReport.PerClass"/>).</param>
    public static byte[] RenderPng(EvaluationReport report, IReadOnlyList<string> labels) => Render(report, labels).Png;

    public static Rendering Render(EvaluationReport report, IReadOnlyList<string> labels)
    {
        int n = labels.Count;
        if (n == 0) throw new ArgumentException("A confusion matrix needs at least one label.", nameof(labels));
        if (report.Confusion.Length != n || report.Confusion.Any(row => row.Length != n))
            throw new ArgumentException($"The confusion matrix is not {n}x{n}, one row and column per label.", nameof(report));

        _ = ChartFont.Value; // before the plot is made: its parts take the default font when they are created
        using var plot = new Plot();
        var support = report.Confusion.Select(row => row.Sum()).ToArray();
        var shares = new double[n, n];
        for (int r = 0; r < n; r++)
            for (int c = 0; c < n; c++)
                shares[r, c] = support[r] == 0 ? double.NaN : (double)report.Confusion[r][c] / support[r];

        // Cells are centred on whole coordinates with row 0 of the intensities at the top, so true era r sits at y = n - 1 - r.
        var heatmap = plot.Add.Heatmap(shares);
        heatmap.Colormap = Heat;
        heatmap.ManualRange = new ScottPlot.Range(0, 1);
        heatmap.NaNCellColor = NoPhotos;
        for (int r = 0; r < n; r++)
            for (int c = 0; c < n; c++)
            {
                int count = report.Confusion[r][c];
                var text = plot.Add.Text(count.ToString(CultureInfo.InvariantCulture), c, n - 1 - r);
                text.Alignment = Alignment.MiddleCenter;
                text.LabelFontSize = 18;
                text.LabelBold = count > 0;
                text.LabelFontColor = count == 0 ? Colors.Gray : Luminance(Heat.GetColor(shares[r, c])) < 0.18 ? Colors.White : Colors.Black;
            }

        Tick[] Ticks(Func<int, double> position, Func<int, string> label) =>
            [.. Enumerable.Range(0, n).Select(i => new Tick(position(i), label(i)))];
        plot.Axes.Bottom.TickGenerator = new NumericManual(Ticks(i => i, i => labels[i]));
        plot.Axes.Bottom.TickLabelStyle.Rotation = 45; // long names fit under narrow columns
        plot.Axes.Bottom.TickLabelStyle.FontSize = plot.Axes.Left.TickLabelStyle.FontSize = 14;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleLeft;
        plot.Axes.Left.TickGenerator = new NumericManual(Ticks(r => n - 1 - r, r => $"{labels[r]} ({support[r]})"));
        plot.XLabel("predicted era");
        plot.YLabel(report.Runs > 1 ? $"true era (answers of {report.Runs} runs)" : "true era (photos)");
        plot.Title(report.Method + "\n" + string.Create(CultureInfo.InvariantCulture,
            $"accuracy {report.Accuracy:0.000}, macro F1 {report.MacroF1:0.000}, {report.Samples} photos{(report.Runs > 1 ? $" x {report.Runs} runs" : "")}"));

        var bar = plot.Add.ColorBar(heatmap);
        bar.Label = "share of the true era's photos";
        bar.LabelStyle.FontSize = 13;
        bar.LabelStyle.Bold = false;
        bar.Axis.TickGenerator = new NumericManual([.. new[] { 0, 0.25, 0.5, 0.75, 1 }.Select(v => new Tick(v, v.ToString("0%", CultureInfo.InvariantCulture)))]);

        plot.HideGrid();
        plot.Axes.Bottom.MajorTickStyle.Length = plot.Axes.Left.MajorTickStyle.Length = 0;
        plot.Axes.SetLimits(-0.5, n - 0.5, -0.5, n - 0.5);

        // Lay out twice (the first pass generates the ticks) to learn the margins the labels need, then fix them so the
        // cells are square. ScottPlot measures tick labels unrotated: make room for the slanted ones and for the title.
        plot.RenderInMemory(800, 800);
        plot.RenderInMemory(800, 800);
        var auto = plot.RenderManager.LastRender.Padding;
        using var paint = Paint.NewDisposablePaint();
        float Width(LabelStyle style, string text) => style.Measure(text, paint).Width;
        int cell = Math.Max(CellSize, (int)MathF.Ceiling((Width(bar.LabelStyle, bar.Label) + 16) / n));
        float slant = labels.Max(label => Width(plot.Axes.Bottom.TickLabelStyle, label)) * MathF.Sqrt(0.5f);
        plot.Axes.Bottom.MinimumSize = auto.Bottom + slant;
        // The title is centred over the grid.
        float titleOverhang = (Width(plot.Axes.Title.Label, plot.Axes.Title.Label.Text) - n * cell) / 2 + 12;
        float left = Math.Max(auto.Left, titleOverhang), right = Math.Max(Math.Max(auto.Right, titleOverhang), slant - cell / 2f + 8);
        var padding = new PixelPadding(MathF.Ceiling(left), MathF.Ceiling(right), MathF.Ceiling(plot.Axes.Bottom.MinimumSize), MathF.Ceiling(auto.Top));
        plot.Layout.Fixed(padding);
        int width = (int)padding.Horizontal + n * cell, height = (int)padding.Vertical + n * cell;
        var png = plot.GetImageBytes(width, height, ImageFormat.Png);
        return new Rendering(png, (r, c) => SKRect.Create(padding.Left + c * cell, padding.Top + r * cell, cell, cell));
    }

    /// <summary>WCAG relative luminance: below about 0.18, white text has more contrast than black.</summary>
    static double Luminance(Color c)
    {
        static double Linear(byte v) => v / 255.0 <= 0.04045 ? v / 255.0 / 12.92 : Math.Pow((v / 255.0 + 0.055) / 1.055, 2.4);
        return 0.2126 * Linear(c.Red) + 0.7152 * Linear(c.Green) + 0.0722 * Linear(c.Blue);
    }

    /// <summary>Why the chart's text cannot draw on this machine, or null when it can.</summary>
    public static string? FontProblem => ChartFont.Value is null && SKTypeface.Default.GlyphCount == 0
        ? "No font for the chart's text was found: install fonts-dejavu-core (scripts/setup.sh does)." : null;

    /// <summary>
    /// Makes DejaVu Sans (Debian's fonts-dejavu-core) ScottPlot's default font and returns its file, or null when it is
    /// not installed and ScottPlot keeps Skia's default typeface. SkiaSharp's Linux "NoDependencies" build has no
    /// fontconfig, so on Linux that default has no glyphs and only a font file gives the chart its text.
    /// </summary>
    static readonly Lazy<string?> ChartFont = new(() =>
    {
        string[] dirs = ["/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/usr/local/share/fonts"];
        if (dirs.Select(d => Path.Combine(d, "DejaVuSans.ttf")).FirstOrDefault(File.Exists) is not { } regular) return null;
        const string name = "DejaVu Sans";
        var bold = Path.Combine(Path.GetDirectoryName(regular)!, "DejaVuSans-Bold.ttf");
        Fonts.AddFontFile(name, regular);
        // ScottPlot matches bold exactly; without the bold file, bold text would get the glyphless default.
        Fonts.AddFontFile(name, File.Exists(bold) ? bold : regular, bold: true);
        Fonts.Default = name;
        return regular;
    });
}
