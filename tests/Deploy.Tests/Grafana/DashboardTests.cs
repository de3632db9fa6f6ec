using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Flywheel.Contracts.Metrics;
using Flywheel.Testing;

namespace Flywheel.Deploy.Tests.Grafana;

public sealed partial class DashboardTests
{
    private static string DashboardDirectory => Path.Combine(TestTools.RepositoryRoot, "deploy", "grafana");

    public static TheoryData<string> Dashboards()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(DashboardDirectory, "*.json").Order())
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    private static JsonNode Load(string file) => JsonNode.Parse(File.ReadAllText(Path.Combine(DashboardDirectory, file)))!;

    /// <summary>Every PromQL expression with Grafana's variables replaced the way Grafana would expand "All".</summary>
    internal static IReadOnlyList<(string Panel, string Expr)> Expressions(JsonNode dashboard) =>
        dashboard["panels"]!.AsArray()
            .SelectMany(p => p!["targets"]!.AsArray().Select(t => ((string)p["title"]!, Expand((string)t!["expr"]!))))
            .ToArray();

    internal static string Expand(string expr) => expr
        .Replace("$__rate_interval", "1m", StringComparison.Ordinal)
        .Replace("$namespace", ".*", StringComparison.Ordinal)
        .Replace("$model", ".*", StringComparison.Ordinal)
        .Replace("$version", ".*", StringComparison.Ordinal)
        .Replace("$feature", ".*", StringComparison.Ordinal);

    [Fact]
    public void There_are_the_four_dashboards_with_unique_uids()
    {
        var uids = Directory.GetFiles(DashboardDirectory, "*.json").Select(f => (string)JsonNode.Parse(File.ReadAllText(f))!["uid"]!).Order();

        Assert.Equal(["flywheel-data-drift", "flywheel-feedback-accuracy", "flywheel-model-health", "flywheel-retraining"], uids);
    }

    [Theory]
    [MemberData(nameof(Dashboards))]
    public void Has_namespace_model_and_version_variables(string file)
    {
        var variables = Load(file)["templating"]!["list"]!.AsArray().Select(v => (string)v!["name"]!).ToArray();

        Assert.Contains("datasource", variables);
        Assert.Contains("namespace", variables);
        Assert.Contains("model", variables);
        Assert.Contains("version", variables);
    }

    [Theory]
    [MemberData(nameof(Dashboards))]
    public void Panels_do_not_overlap_and_every_panel_has_a_query(string file)
    {
        var panels = Load(file)["panels"]!.AsArray();
        var cells = new HashSet<(int, int)>();
        foreach (var panel in panels)
        {
            Assert.NotEmpty(panel!["targets"]!.AsArray());
            var grid = panel["gridPos"]!;
            for (var x = (int)grid["x"]!; x < (int)grid["x"]! + (int)grid["w"]!; x++)
            {
                for (var y = (int)grid["y"]!; y < (int)grid["y"]! + (int)grid["h"]!; y++)
                {
                    Assert.True(cells.Add((x, y)), $"panel \"{panel["title"]}\" overlaps another at {x},{y}");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Dashboards))]
    public void Queries_use_only_metrics_of_the_contract(string file)
    {
        var known = MetricNames.All.Select(m => m.Name).ToHashSet();

        foreach (var (panel, expr) in Expressions(Load(file)))
        {
            foreach (Match match in MetricName().Matches(expr))
            {
                var name = HistogramSuffix().Replace(match.Value, string.Empty);
                Assert.True(known.Contains(name), $"panel \"{panel}\" uses {match.Value}, which is not in MetricNames");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Dashboards))]
    public async Task Promtool_parses_every_query(string file)
    {
        // promtool checks PromQL inside rule files, so each query becomes a recording rule.
        var rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
        var i = 0;
        foreach (var (_, expr) in Expressions(Load(file)))
        {
            rules.Append("      - record: dashboard:query").Append(i++).Append('\n')
                .Append("        expr: '").Append(expr.Replace("'", "''", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal)).Append("'\n");
        }

        var path = Path.Combine(Path.GetTempPath(), $"flywheel-dashboard-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(path, rules.ToString());
        try
        {
            var result = await TestTools.RunAsync(TestTools.Promtool, ["check", "rules", path]);

            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Contains($"SUCCESS: {i} rules found", result.Stdout);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [GeneratedRegex(@"\bflywheel_[a-z_]+\b")]
    private static partial Regex MetricName();

    [GeneratedRegex("_(bucket|sum|count)$")]
    private static partial Regex HistogramSuffix();
}
