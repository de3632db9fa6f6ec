using System.Text.RegularExpressions;
using Flywheel.Contracts.Metrics;
using Flywheel.Testing;

namespace Flywheel.Deploy.Tests.Prometheus;

public sealed partial class AlertRulesTests
{
    private static string RulesDirectory => Path.Combine(TestTools.RepositoryRoot, "deploy", "prometheus");

    [Fact]
    public async Task Promtool_accepts_the_rule_file()
    {
        var result = await TestTools.RunAsync(TestTools.Promtool, ["check", "rules", Path.Combine(RulesDirectory, "flywheel-rules.yaml")]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("SUCCESS: 6 rules found", result.Stdout);
    }

    [Fact]
    public async Task Every_alert_fires_and_stays_quiet_as_its_unit_tests_expect()
    {
        var result = await TestTools.RunAsync(TestTools.Promtool, ["test", "rules", Path.Combine(RulesDirectory, "flywheel-rules.test.yaml")]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("SUCCESS", result.Stdout + result.Stderr);
    }

    [Fact]
    public async Task Every_alert_has_a_unit_test()
    {
        var rules = await File.ReadAllTextAsync(Path.Combine(RulesDirectory, "flywheel-rules.yaml"));
        var tests = await File.ReadAllTextAsync(Path.Combine(RulesDirectory, "flywheel-rules.test.yaml"));

        var alerts = AlertName().Matches(rules).Select(m => m.Groups[1].Value).ToArray();
        var tested = TestedAlert().Matches(tests).Select(m => m.Groups[1].Value).ToHashSet();

        Assert.Equal(6, alerts.Length);
        Assert.All(alerts, alert => Assert.Contains(alert, tested));
    }

    [Fact]
    public async Task Rules_use_only_metrics_of_the_contract()
    {
        var rules = await File.ReadAllTextAsync(Path.Combine(RulesDirectory, "flywheel-rules.yaml"));
        var known = MetricNames.All.Select(m => m.Name).ToHashSet();

        var used = MetricName().Matches(rules).Select(m => m.Value).Distinct().ToArray();

        Assert.NotEmpty(used);
        Assert.All(used, name => Assert.Contains(name, known));
    }

    [GeneratedRegex(@"- alert: (\w+)")]
    private static partial Regex AlertName();

    [GeneratedRegex(@"alertname: (\w+)")]
    private static partial Regex TestedAlert();

    [GeneratedRegex(@"\bflywheel_[a-z_]+\b")]
    private static partial Regex MetricName();
}
