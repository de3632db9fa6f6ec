using System.Text.Json.Nodes;
using Flywheel.Operator.Hosting;
using Flywheel.Testing;
using Microsoft.Extensions.Configuration;

namespace Flywheel.Deploy.Tests.Helm;

public sealed class ChartTests
{
    private static readonly string[] DefaultKinds =
        ["ClusterRole", "ClusterRoleBinding", "Deployment", "NetworkPolicy", "PersistentVolumeClaim", "PodDisruptionBudget", "Role", "RoleBinding", "Service", "ServiceAccount"];

    [Fact]
    public async Task Lint_strict_passes_with_defaults_and_with_every_feature_on()
    {
        var defaults = await TestTools.RunAsync(TestTools.Helm, ["lint", "--strict", RenderedManifests.ChartDirectory]);
        var everything = await TestTools.RunAsync(TestTools.Helm, ["lint", "--strict", RenderedManifests.ChartDirectory, .. RenderedManifests.EveryFeature]);

        Assert.True(defaults.ExitCode == 0, defaults.ToString());
        Assert.True(everything.ExitCode == 0, everything.ToString());
        Assert.Contains("0 chart(s) failed", everything.Stdout);
    }

    [Fact]
    public async Task Defaults_render_the_operator_its_rbac_store_and_guards_only()
    {
        var manifests = await RenderedManifests.TemplateAsync();

        Assert.Equal(DefaultKinds, manifests.Select(m => (string)m["kind"]!).Distinct().Order());
        Assert.Equal(4, manifests.Count(m => (string?)m["kind"] == "ClusterRole"));
    }

    [Fact]
    public async Task Every_feature_adds_monitors_rules_and_dashboards()
    {
        var manifests = await RenderedManifests.TemplateAsync(RenderedManifests.EveryFeature);

        var kinds = manifests.Select(m => (string)m["kind"]!).ToArray();
        Assert.Contains("ServiceMonitor", kinds);
        Assert.Contains("PodMonitor", kinds);
        Assert.Contains("PrometheusRule", kinds);

        var rules = manifests.Single("PrometheusRule");
        var alerts = rules["spec"]!["groups"]!.AsArray().SelectMany(g => g!["rules"]!.AsArray()).Select(r => (string)r!["alert"]!);
        Assert.Equal(
            ["FlywheelAccuracyBelowFloor", "FlywheelInputDriftHigh", "FlywheelNegativeFeedbackHigh", "FlywheelOperatorDown", "FlywheelPromotionRejected", "FlywheelTrainingFailed"],
            alerts.Order());

        var dashboards = manifests.Where(m => (string?)m["kind"] == "ConfigMap").ToArray();
        Assert.Equal(4, dashboards.Length);
        foreach (var map in dashboards)
        {
            Assert.Equal("1", (string?)map["metadata"]!["labels"]!["grafana_dashboard"]);
            var (file, json) = map["data"]!.AsObject().Single();
            var shipped = await File.ReadAllTextAsync(Path.Combine(TestTools.RepositoryRoot, "deploy", "grafana", file));
            Assert.Equal(JsonNode.Parse(shipped)!.ToJsonString(), JsonNode.Parse((string)json!)!.ToJsonString());
        }
    }

    [Fact]
    public async Task The_operator_runs_two_leader_elected_replicas_locked_down()
    {
        var deployment = (await RenderedManifests.TemplateAsync(RenderedManifests.EveryFeature)).Single("Deployment");

        Assert.Equal(2L, (long)deployment["spec"]!["replicas"]!);
        var pod = deployment["spec"]!["template"]!["spec"]!;
        Assert.True((bool)pod["securityContext"]!["runAsNonRoot"]!);
        Assert.Equal("RuntimeDefault", (string?)pod["securityContext"]!["seccompProfile"]!["type"]);
        Assert.NotEmpty(pod["topologySpreadConstraints"]!.AsArray());

        var container = pod["containers"]![0]!;
        Assert.False((bool)container["securityContext"]!["allowPrivilegeEscalation"]!);
        Assert.True((bool)container["securityContext"]!["readOnlyRootFilesystem"]!);
        Assert.Equal(["ALL"], container["securityContext"]!["capabilities"]!["drop"]!.AsArray().Select(c => (string)c!));
        Assert.Equal("/healthz", (string?)container["livenessProbe"]!["httpGet"]!["path"]);
        Assert.Equal("/readyz", (string?)container["readinessProbe"]!["httpGet"]!["path"]);

        Assert.Equal(["run"], container["args"]!.AsArray().Select(a => (string)a!));
    }

    [Fact]
    public async Task The_operator_environment_binds_to_the_operator_settings()
    {
        var manifests = await RenderedManifests.TemplateAsync([.. RenderedManifests.EveryFeature, "--set", "operator.watchNamespaces={ml,ml-staging}"]);
        var container = manifests.Single("Deployment")["spec"]!["template"]!["spec"]!["containers"]![0]!;

        // What the kubelet would put into the environment: literal values, and the downward API for the pod's name and namespace.
        var environment = new Dictionary<string, string?>();
        foreach (var variable in container["env"]!.AsArray())
        {
            var name = (string)variable!["name"]!;
            if (!name.StartsWith(OperatorConfiguration.EnvironmentPrefix, StringComparison.Ordinal))
            {
                continue;
            }

            var value = (string?)variable["value"] ?? ((string?)variable["valueFrom"]!["fieldRef"]!["fieldPath"] == "metadata.name" ? "flywheel-operator-7c9f" : "flywheel-system");
            environment[name[OperatorConfiguration.EnvironmentPrefix.Length..].Replace("__", ":", StringComparison.Ordinal)] = value;
        }

        var options = OperatorConfiguration.Bind(new ConfigurationBuilder().AddInMemoryCollection(environment).Build());

        Assert.Equal("flywheel/trainer:0.1.0", options.Images.Trainer);
        Assert.Equal("flywheel/inference:0.1.0", options.Images.Inference);
        Assert.Equal("flywheel-model-store", options.ModelStoreClaim);
        Assert.Equal("http://prometheus.monitoring:9090", options.PrometheusUrl);
        Assert.Equal(["ml", "ml-staging"], options.Namespaces);
        Assert.True(options.LeaderElection.Enabled);
        Assert.Equal("flywheel-system", options.LeaderElection.LeaseNamespace);
        Assert.Equal("flywheel-operator-7c9f", options.LeaderElection.Identity);
        Assert.Equal(8080, options.Port);
        Assert.Equal("http://otel-collector.monitoring:4317", options.OtlpEndpoint);
    }

    [Fact]
    public async Task Without_a_prometheus_url_the_operator_reads_pod_summaries()
    {
        var container = (await RenderedManifests.TemplateAsync()).Single("Deployment")["spec"]!["template"]!["spec"]!["containers"]![0]!;
        var url = container["env"]!.AsArray().Single(e => (string?)e!["name"] == "FLYWHEEL_PrometheusUrl")!;

        var options = OperatorConfiguration.Bind(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["PrometheusUrl"] = (string?)url["value"] }).Build());

        Assert.Equal(string.Empty, options.PrometheusUrl);
    }

    [Fact]
    public async Task Operator_rbac_has_no_wildcards_and_reads_only_named_secrets()
    {
        var withSecrets = await RenderedManifests.TemplateAsync(RenderedManifests.EveryFeature);
        var without = await RenderedManifests.TemplateAsync();

        var role = withSecrets.Single("ClusterRole", "-operator");
        var rules = role["rules"]!.AsArray().Select(r => r!.AsObject()).ToArray();
        foreach (var rule in rules)
        {
            Assert.DoesNotContain("*", rule["verbs"]!.AsArray().Select(v => (string)v!));
            Assert.DoesNotContain("*", rule["resources"]!.AsArray().Select(v => (string)v!));
            Assert.DoesNotContain("*", rule["apiGroups"]!.AsArray().Select(v => (string)v!));
        }

        var secretRule = rules.Single(r => r["resources"]!.AsArray().Any(x => (string?)x == "secrets"));
        Assert.Equal(["get"], secretRule["verbs"]!.AsArray().Select(v => (string)v!));
        Assert.Equal(["s3-credentials"], secretRule["resourceNames"]!.AsArray().Select(v => (string)v!));

        var defaultRules = without.Single("ClusterRole", "-operator")["rules"]!.AsArray();
        Assert.DoesNotContain(defaultRules, r => r!["resources"]!.AsArray().Any(x => (string?)x == "secrets"));
    }

    [Theory]
    [InlineData("flywheel-data-scientist", "aggregate-to-edit", "models", true)]
    [InlineData("flywheel-data-scientist", "aggregate-to-edit", "modeldeployments", false)]
    [InlineData("flywheel-ml-engineer", "aggregate-to-edit", "modeldeployments", true)]
    [InlineData("flywheel-ml-engineer", "aggregate-to-edit", "models", false)]
    [InlineData("flywheel-viewer", "aggregate-to-view", "models", false)]
    [InlineData("flywheel-viewer", "aggregate-to-view", "modeldeployments", false)]
    public async Task User_roles_map_the_people_of_the_loop(string role, string aggregation, string resource, bool canWrite)
    {
        var clusterRole = (await RenderedManifests.TemplateAsync()).Single("ClusterRole", role);

        Assert.Equal("true", (string?)clusterRole["metadata"]!["labels"]![$"rbac.authorization.k8s.io/{aggregation}"]);
        var verbs = clusterRole["rules"]!.AsArray()
            .Where(r => r!["resources"]!.AsArray().Any(x => (string?)x == resource))
            .SelectMany(r => r!["verbs"]!.AsArray().Select(v => (string)v!))
            .ToHashSet();
        Assert.Contains("get", verbs);
        Assert.Contains("watch", verbs);
        Assert.Equal(canWrite, verbs.Contains("create") && verbs.Contains("patch") && verbs.Contains("delete"));
    }

    [Theory]
    [InlineData("operator.replicas=0", "replicas")]
    [InlineData("modelStore.size=lots", "size")]
    [InlineData("prometheus.url=prometheus:9090", "url")]
    [InlineData("operator.logLevel=Chatty", "logLevel")]
    public async Task The_values_schema_rejects_bad_values_by_name(string setting, string field)
    {
        var result = await RenderedManifests.TemplateRawAsync("--set", setting);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("values don't meet the specifications of the schema", result.Stderr);
        Assert.Contains(field, result.Stderr);
    }

    [Fact]
    public async Task An_existing_claim_replaces_the_chart_pvc()
    {
        var manifests = await RenderedManifests.TemplateAsync("--set", "modelStore.existingClaim=shared-models");

        Assert.DoesNotContain(manifests, m => (string?)m["kind"] == "PersistentVolumeClaim");
        var volumes = manifests.Single("Deployment")["spec"]!["template"]!["spec"]!["volumes"]!.AsArray();
        Assert.Contains(volumes, v => (string?)v!["persistentVolumeClaim"]?["claimName"] == "shared-models");
    }

    [Theory]
    [InlineData("grafana", "files/dashboards")]
    [InlineData("prometheus", "files/prometheus")]
    [InlineData("crds", "crds")]
    public void Chart_copies_of_shipped_files_are_identical(string source, string chartFolder)
    {
        var shipped = Path.Combine(TestTools.RepositoryRoot, "deploy", source);
        var inChart = Path.Combine(RenderedManifests.ChartDirectory, chartFolder);

        var chartFiles = Directory.GetFiles(inChart).Select(Path.GetFileName).Order().ToArray();
        Assert.NotEmpty(chartFiles);
        foreach (var file in chartFiles)
        {
            Assert.Equal(File.ReadAllText(Path.Combine(shipped, file!)), File.ReadAllText(Path.Combine(inChart, file!)));
        }

        var expected = Directory.GetFiles(shipped).Select(Path.GetFileName).Where(f => !f!.EndsWith(".test.yaml", StringComparison.Ordinal)).Order();
        Assert.Equal(expected, chartFiles);
    }
}
