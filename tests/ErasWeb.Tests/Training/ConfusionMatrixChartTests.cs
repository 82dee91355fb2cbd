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

    static SKBitmap Render(IReadOnlyList<string> labels, bool builtInFont = false)
    {
        var png = ConfusionMatrixChart.RenderPng(Report(labels), labels, builtInFont);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
        return SKBitmap.Decode(png) ?? throw new InvalidDataException("The chart is not a decodable PNG.");
    }

    static float Saturation(SKColor c)
    {
        int max = Math.Max(c.Red, Math.Max(c.Green, c.Blue)), min = Math.Min(c.Red, Math.Min(c.Green, c.Blue));
        return max == 0 ? 0 : (max - min) / (float)max;
    }

    static int CountPixels(SKBitmap chart, SKRectI area, Func<SKColor, bool> where)
    {
        int count = 0;
        for (int y = area.Top; y < area.Bottom; y++)
            for (int x = area.Left; x < area.Right; x++)
                if (where(chart.GetPixel(x, y))) count++;
        return count;
    }

    static bool Dark(SKColor c) => c.Red + c.Green + c.Blue < 3 * 110;

    [Fact]
    public void The_chart_is_a_square_png_growing_one_cell_per_era()
    {
        using var ten = Render(Eras);
        using var four = Render(Eras[..4]);
        Assert.Equal(ten.Width, ten.Height);
        Assert.Equal(four.Width, four.Height);
        Assert.Equal(6 * ConfusionMatrixChart.CellSize, ten.Width - four.Width);
        Assert.Equal(ConfusionMatrixChart.CellSize, ConfusionMatrixChart.CellBounds(9, 9).Width);
        Assert.True(ConfusionMatrixChart.CellBounds(9, 9).Right < ten.Width && ConfusionMatrixChart.CellBounds(9, 9).Bottom < ten.Height);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Cells_are_coloured_by_their_share_of_the_row_and_text_draws(bool builtInFont)
    {
        using var chart = Render(Eras, builtInFont);
        SKColor Corner(int row, int column)
        {
            var cell = ConfusionMatrixChart.CellBounds(row, column);
            return chart.GetPixel(cell.Left + 8, cell.Top + 8); // inside the fill, clear of the count and the outline
        }

        var acoustic = Corner(1, 1);   // 20 of 20
        var fearless = Corner(2, 2);   // 3 of 4
        var asFolkmore = Corner(2, 3); // 1 of 4
        var empty = Corner(1, 0);      // 0 of 20
        Assert.True(Saturation(acoustic) > 0.6f, $"a full cell is strongly coloured ({acoustic})");
        Assert.True(Saturation(empty) < 0.05f, $"an empty cell stays white ({empty})");
        Assert.True(Saturation(acoustic) > Saturation(empty) + 0.5f);
        // More of the row, more colour: 3 of 4 is darker than 1 of 4 (lightness falls along the scale).
        Assert.True(fearless.Red + fearless.Green + fearless.Blue < asFolkmore.Red + asFolkmore.Green + asFolkmore.Blue, $"{fearless} vs {asFolkmore}");

        // The count "20" is drawn light on the dark cell.
        var full = ConfusionMatrixChart.CellBounds(1, 1);
        Assert.True(CountPixels(chart, SKRectI.Inflate(full, -16, -16), c => c.Red > 200 && c.Green > 200 && c.Blue > 200) > 15, "the count is drawn in its cell");

        // The title line: dark text in the band above the column labels, across much of its width.
        var title = SKRectI.Create(0, 10, chart.Width, 50);
        int inked = CountPixels(chart, title, Dark);
        Assert.True(inked > 300, $"the title drew {inked} dark pixels");
        int columnsWithInk = Enumerable.Range(0, chart.Width).Count(x => Enumerable.Range(title.Top, title.Height).Any(y => Dark(chart.GetPixel(x, y))));
        Assert.True(columnsWithInk > chart.Width / 3, $"the title spans {columnsWithInk} of {chart.Width} columns");

        // Row labels are drawn left of the grid.
        var rowLabels = SKRectI.Create(40, full.Top, full.Left - 40, full.Height);
        Assert.True(CountPixels(chart, rowLabels, Dark) > 30, "the row label is drawn");
    }

    [Fact]
    public void A_matrix_that_does_not_match_the_labels_is_refused()
    {
        Assert.Throws<ArgumentException>(() => ConfusionMatrixChart.RenderPng(Report(Eras), Eras[..9]));
    }
}
