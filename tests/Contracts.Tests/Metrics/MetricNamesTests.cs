using System.Text.RegularExpressions;
using Flywheel.Contracts.Metrics;

namespace Flywheel.Contracts.Tests.Metrics;

public sealed partial class MetricNamesTests
{
    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var metric in MetricNames.All)
        {
            data.Add(metric.Name);
        }

        return data;
    }

    private static MetricDescriptor ByName(string name) => MetricNames.All.Single(m => m.Name == name);

    [Theory]
    [MemberData(nameof(Names))]
    public void Name_is_a_valid_prefixed_prometheus_name(string name)
    {
        Assert.StartsWith(MetricNames.Prefix, name);
        Assert.Matches(PrometheusName(), name);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Counters_and_only_counters_end_in_total(string name)
    {
        var metric = ByName(name);
        Assert.Equal(metric.Type == MetricType.Counter, name.EndsWith("_total", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Labels_are_valid_distinct_and_never_unbounded(string name)
    {
        var metric = ByName(name);
        Assert.Equal(metric.Labels.Count, metric.Labels.Distinct().Count());
        Assert.All(metric.Labels, label => Assert.Matches(LabelName(), label));

        // Prediction ids, request ids and raw values would explode cardinality.
        Assert.DoesNotContain("id", metric.Labels);
        Assert.DoesNotContain("value", metric.Labels);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Served_model_metrics_carry_the_model_identity(string name)
    {
        var metric = ByName(name);
        if (!name.StartsWith("flywheel_operator_", StringComparison.Ordinal))
        {
            Assert.Equal(MetricLabels.ModelIdentity, metric.Labels.Take(3));
        }
    }

    [Fact]
    public void Names_are_unique_and_the_list_holds_every_declared_metric()
    {
        var declared = typeof(MetricNames).GetFields()
            .Where(f => f.FieldType == typeof(MetricDescriptor))
            .Select(f => ((MetricDescriptor)f.GetValue(null)!).Name)
            .Order()
            .ToArray();

        Assert.Equal(declared, MetricNames.All.Select(m => m.Name).Order().ToArray());
        Assert.Equal(declared.Length, declared.Distinct().Count());
    }

    [Fact]
    public void Durations_are_in_seconds()
    {
        Assert.All(
            MetricNames.All.Where(m => m.Name.Contains("duration", StringComparison.Ordinal) || m.Name.Contains("latency", StringComparison.Ordinal)),
            m => Assert.EndsWith("_seconds", m.Name));
        Assert.Equal(MetricType.Histogram, MetricNames.InferenceRequestDuration.Type);
    }

    [GeneratedRegex("^[a-zA-Z_:][a-zA-Z0-9_:]*$")]
    private static partial Regex PrometheusName();

    [GeneratedRegex("^[a-z][a-z0-9_]*$")]
    private static partial Regex LabelName();
}
