using Flywheel.Trainer.Data;

namespace Flywheel.Trainer.Tests.Data;

public sealed class CsvSourceTests
{
    private static DataTable Read(string text, out string path, TempDirectory dir)
    {
        path = dir.File("d.csv");
        File.WriteAllText(path, text);
        var builder = new TableBuilder([new ColumnRequest("b", true, "feature"), new ColumnRequest("c", false, "label")]);
        CsvSource.Read(path, builder);
        return builder.Build();
    }

    [Fact]
    public void Reads_only_requested_columns_with_crlf_line_ends_blank_lines_and_missing_markers()
    {
        using var dir = new TempDirectory();

        var table = Read("a,b,c\r\nx,1.5,yes\r\n\r\ny,NA,\"no, really\"\r\nz,-2e3,\r\n", out _, dir);

        Assert.Equal([1.5, double.NaN, -2000], ((NumericColumn)table["b"]).Values);
        Assert.Equal(new string?[] { "yes", "no, really", null }, ((TextColumn)table["c"]).Values.AsEnumerable());
        Assert.Equal(["d.csv:2", "d.csv:4", "d.csv:5"], Enumerable.Range(0, table.RowCount).Select(r => table.Origins[r]));
    }

    [Fact]
    public void A_row_with_too_many_fields_names_the_row()
    {
        using var dir = new TempDirectory();

        var ex = Assert.Throws<TrainingInputException>(() => Read("a,b,c\n1,2,3\n1,2,3,4\n", out _, dir));

        Assert.Contains("row d.csv:3: has more than 3 fields but the header has 3", ex.Message);
    }
}
