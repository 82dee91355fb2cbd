using ErasWeb.Classification;
using ErasWeb.Training;
using SkiaSharp;

namespace ErasWeb.Tests.Training;

public class ConfusionMatrixChartTests
{
    static readonly string[] Eras = ["1989", "Acoustic", "Fearless", "Folkmore", "Lover", "Midnights", "Red", "Reputation", "Speak Now", "TTPD"];

    /// <summary>Acoustic: 20 photos all right; Fearless: 3 right, 1 taken for Folkmore; the other eras have no photos.</summary>
    static EvaluationReport Report(IReadOnlyList<string> labels)
    {
        var truth = Enumerable.Repeat(1, 20).Concat([2, 2, 2, 2]).ToList();
        var predicted = Enumerable.Repeat(1, 20).Concat([2, 2, 2, 3]).ToList();
        return Metrics.Evaluate("5-fold cross-validation grouped by outfit", labels, truth, predicted);
    }

    /// <summary>Every era has photos; most are right, a few go to the next era.</summary>
    static EvaluationReport MostlyRight(IReadOnlyList<string> labels)
    {
        var truth = new List<int>();
        var predicted = new List<int>();
        for (int era = 0; era < labels.Count; era++)
        {
            int photos = 6 + era;
            truth.AddRange(Enumerable.Repeat(era, photos));
            predicted.AddRange(Enumerable.Repeat(era, photos - 2));
            predicted.AddRange([(era + 1) % labels.Count, (era + 1) % labels.Count]);
        }
        return Metrics.Evaluate("held-out outfits", labels, truth, predicted);
    }

    static (SKBitmap Chart, ConfusionMatrixChart.Rendering Rendering) Render(EvaluationReport report, IReadOnlyList<string> labels)
    {
        var rendering = ConfusionMatrixChart.Render(report, labels);
        Assert.Equal(rendering.Png, ConfusionMatrixChart.RenderPng(report, labels));
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], rendering.Png[..4]);
        return (SKBitmap.Decode(rendering.Png) ?? throw new InvalidDataException("The chart is not a decodable PNG."), rendering);
    }

    /// <summary>The fill of a cell, sampled near its corner, clear of the count in the middle.</summary>
    static SKColor Fill(SKBitmap chart, ConfusionMatrixChart.Rendering rendering, int row, int column)
    {
        var cell = rendering.CellBounds(row, column);
        return chart.GetPixel((int)cell.Left + 6, (int)cell.Top + 6);
    }

    static int Lightness(SKColor c) => c.Red + c.Green + c.Blue;

    static float Saturation(SKColor c)
    {
        int max = Math.Max(c.Red, Math.Max(c.Green, c.Blue)), min = Math.Min(c.Red, Math.Min(c.Green, c.Blue));
        return max == 0 ? 0 : (max - min) / (float)max;
    }

    static int CountPixels(SKBitmap chart, SKRectI area, Func<SKColor, bool> where)
    {
        area.Intersect(new SKRectI(0, 0, chart.Width, chart.Height));
        int count = 0;
        for (int y = area.Top; y < area.Bottom; y++)
            for (int x = area.Left; x < area.Right; x++)
                if (where(chart.GetPixel(x, y))) count++;
        return count;
    }

    // Text is black or grey; the hottest cells are dark too, but red.
    static bool Dark(SKColor c) => Lightness(c) < 3 * 110 && Saturation(c) < 0.25f;

    [Fact]
    public void The_chart_is_a_png_with_square_cells_growing_one_cell_per_era()
    {
        var (ten, tenCells) = Render(Report(Eras), Eras);
        var (four, fourCells) = Render(Report(Eras[..4]), Eras[..4]);
        using (ten)
        using (four)
        {
            Assert.InRange(ten.Width, 10 * ConfusionMatrixChart.CellSize + 100, 2000);
            Assert.InRange(ten.Height, 10 * ConfusionMatrixChart.CellSize + 100, 2000);
            var first = tenCells.CellBounds(0, 0);
            var last = tenCells.CellBounds(9, 9);
            Assert.Equal(9 * ConfusionMatrixChart.CellSize, last.Left - first.Left);
            Assert.Equal(9 * ConfusionMatrixChart.CellSize, last.Top - first.Top);
            Assert.True(first.Left > 0 && first.Top > 0 && last.Right < ten.Width && last.Bottom < ten.Height, "the grid lies inside the image");
            Assert.True(fourCells.CellBounds(3, 3).Right < four.Width && fourCells.CellBounds(3, 3).Bottom < four.Height);
            Assert.True(ten.Width > four.Width && ten.Height > four.Height);
        }
    }

    [Fact]
    public void The_diagonal_of_a_mostly_right_matrix_is_the_hottest_colour()
    {
        var (chart, rendering) = Render(MostlyRight(Eras), Eras);
        using (chart)
        {
            for (int r = 0; r < Eras.Length; r++)
            {
                var right = Fill(chart, rendering, r, r);
                var mistaken = Fill(chart, rendering, r, (r + 1) % Eras.Length);
                var never = Fill(chart, rendering, r, (r + 2) % Eras.Length);
                // Lightness falls with the share: most of the row is darker than two photos of it, which are darker than none.
                Assert.True(Lightness(right) < Lightness(mistaken), $"{Eras[r]}: right {right} vs mistaken {mistaken}");
                Assert.True(Lightness(mistaken) < Lightness(never), $"{Eras[r]}: mistaken {mistaken} vs never {never}");
                Assert.True(Saturation(right) > 0.5f, $"{Eras[r]}: the diagonal is strongly coloured ({right})");
                Assert.True(Lightness(never) > 3 * 225, $"{Eras[r]}: an empty cell is near white ({never})");
            }
        }
    }

    [Fact]
    public void Cells_are_coloured_by_their_share_of_the_row_and_text_draws()
    {
        var (chart, rendering) = Render(Report(Eras), Eras);
        using (chart)
        {
            var acoustic = Fill(chart, rendering, 1, 1);   // 20 of 20
            var fearless = Fill(chart, rendering, 2, 2);   // 3 of 4
            var asFolkmore = Fill(chart, rendering, 2, 3); // 1 of 4
            var empty = Fill(chart, rendering, 1, 0);      // 0 of 20
            var noPhotos = Fill(chart, rendering, 0, 0);   // 1989 has no photos at all
            Assert.True(Saturation(acoustic) > 0.6f, $"a full cell is strongly coloured ({acoustic})");
            Assert.True(Saturation(empty) < 0.1f && Lightness(empty) > 3 * 225, $"an empty cell stays near white ({empty})");
            Assert.True(Lightness(fearless) < Lightness(asFolkmore) && Lightness(asFolkmore) < Lightness(empty), $"{fearless} vs {asFolkmore} vs {empty}");
            Assert.NotEqual(empty, noPhotos);

            // The count "20" is drawn light on the dark cell, "0" dark on the light one.
            var full = SKRectI.Round(rendering.CellBounds(1, 1));
            Assert.True(CountPixels(chart, SKRectI.Inflate(full, -16, -16), c => Lightness(c) > 3 * 200) > 15, "the count is drawn in its full cell");
            var zero = SKRectI.Round(rendering.CellBounds(1, 0));
            Assert.True(CountPixels(chart, SKRectI.Inflate(zero, -16, -16), c => Lightness(c) < 3 * 200) > 10, "the count is drawn in its empty cell");

            // The title: dark text above the grid, across much of the chart's width.
            var grid = SKRectI.Round(SKRect.Union(rendering.CellBounds(0, 0), rendering.CellBounds(Eras.Length - 1, Eras.Length - 1)));
            var title = new SKRectI(0, 0, chart.Width, grid.Top - 12);
            int columnsWithInk = Enumerable.Range(0, chart.Width).Count(x => Enumerable.Range(title.Top, title.Height).Any(y => Dark(chart.GetPixel(x, y))));
            Assert.True(columnsWithInk > chart.Width / 3, $"the title spans {columnsWithInk} of {chart.Width} columns");

            // The colour scale right of the grid runs from the hottest colour at the top to white at the bottom.
            Assert.Contains(Enumerable.Range(grid.Right + 1, chart.Width - grid.Right - 1), x =>
                Saturation(chart.GetPixel(x, grid.Top + 4)) > 0.6f && Lightness(chart.GetPixel(x, grid.Top + 4)) < Lightness(acoustic) + 30
                && Lightness(chart.GetPixel(x, grid.Bottom - 4)) > 3 * 245);

            // Every era's name: right-aligned left of its row, and slanting down from under its column.
            for (int i = 0; i < Eras.Length; i++)
            {
                var row = SKRectI.Round(rendering.CellBounds(i, 0));
                Assert.True(CountPixels(chart, new SKRectI(row.Left - 60, row.Top, row.Left - 2, row.Bottom), Dark) > 30, $"{Eras[i]}'s row label is drawn");
                var column = SKRectI.Round(rendering.CellBounds(Eras.Length - 1, i));
                Assert.True(CountPixels(chart, new SKRectI(column.MidX - 4, column.Bottom + 2, column.Right + 8, column.Bottom + 48), Dark) > 30, $"{Eras[i]}'s column label is drawn");
            }
        }
    }

    [Fact]
    public void Long_names_and_a_long_title_are_not_cut_off_at_the_edges()
    {
        string[] eras = ["The Tortured Poets Department", "Speak Now", "Reputation Stadium Tour"];
        var report = Metrics.Evaluate("5-fold cross-validation grouped by outfit, 5 fold assignments pooled (stage_photo, album_cover)",
            eras, [0, 1, 1, 2], [0, 1, 0, 2]);
        foreach (var (labels, r) in new[] { (Eras, Report(Eras)), (eras, report), (eras[..1], Metrics.Evaluate("one", eras[..1], [0], [0])) })
        {
            var (chart, _) = Render(r, labels);
            using (chart)
            {
                // Text that runs off the image leaves ink on its outermost pixels.
                int inkOnEdges = CountPixels(chart, new SKRectI(0, 0, chart.Width, 2), Dark) + CountPixels(chart, new SKRectI(0, chart.Height - 2, chart.Width, chart.Height), Dark)
                    + CountPixels(chart, new SKRectI(0, 0, 2, chart.Height), Dark) + CountPixels(chart, new SKRectI(chart.Width - 2, 0, chart.Width, chart.Height), Dark);
                Assert.True(inkOnEdges == 0, $"{labels.Length} eras: {inkOnEdges} dark pixels on the edges");
                Assert.True(CountPixels(chart, new SKRectI(0, 0, chart.Width, chart.Height), Dark) > 2000, "the chart has its text");
            }
        }
    }

    [Fact]
    public void A_matrix_that_does_not_match_the_labels_is_refused()
    {
        Assert.Throws<ArgumentException>(() => ConfusionMatrixChart.RenderPng(Report(Eras), Eras[..9]));
        Assert.Throws<ArgumentException>(() => ConfusionMatrixChart.RenderPng(Report(Eras), []));
    }
}
