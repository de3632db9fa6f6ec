using System.Text.Json.Nodes;
using Flywheel.ApiServer.Tests.Tools;
using Flywheel.Testing;

namespace Flywheel.ApiServer.Tests.Http;

/// <summary>The real kubectl 1.35 against a started cluster.</summary>
public sealed class KubectlTests : IAsyncLifetime
{
    private LocalCluster _cluster = null!;
    private ClusterTools _tools = null!;

    public async Task InitializeAsync()
    {
        _cluster = await LocalCluster.StartAsync();
        _tools = new ClusterTools(_cluster);
    }

    public async Task DisposeAsync()
    {
        _tools.Dispose();
        await _cluster.DisposeAsync();
    }

    private async Task<ToolResult> Ok(params string[] args)
    {
        var result = await _tools.KubectlAsync(args);
        Assert.True(result.ExitCode == 0, $"kubectl {string.Join(' ', args)}\n{result}");
        return result;
    }

    private async Task ApplyCrdAsync() => await Ok("apply", "-f", _tools.WriteFile("crd.yaml", Manifests.WidgetCrd));

    [Fact]
    public async Task Applied_crd_objects_show_in_tables_json_short_names_and_categories()
    {
        await ApplyCrdAsync();
        var applied = await Ok("apply", "-f", _tools.WriteFile("w1.yaml", Manifests.Widget("w1")));
        Assert.Contains("widget.example.flywheel.dev/w1 created", applied.Stdout);

        var table = await Ok("get", "widgets");
        var lines = table.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^NAME\s+SIZE\s+REPLICAS\s+READY\s+AGE$", lines[0]);
        Assert.Matches(@"^w1\s+small\s+2\s+\d+s$", lines[1]);

        var json = JsonNode.Parse((await Ok("get", "wd", "w1", "-o", "json")).Stdout)!;
        Assert.Equal("blue", (string?)json["spec"]!["color"]);
        Assert.Equal(2, (int?)json["spec"]!["replicas"]);
        Assert.Equal(1, (int?)json["metadata"]!["generation"]);

        Assert.Contains("w1", (await Ok("get", "wd")).Stdout);
        Assert.Matches(@"w1\s+small\s+2", (await Ok("get", "flywheel")).Stdout);

        var again = await Ok("apply", "-f", Path.Combine(_tools.WorkDirectory, "w1.yaml"));
        Assert.Contains("widget.example.flywheel.dev/w1 unchanged", again.Stdout);
    }

    [Fact]
    public async Task Server_side_apply_and_merge_and_json_patches()
    {
        await ApplyCrdAsync();
        var ssa = await Ok("apply", "--server-side", "-f", _tools.WriteFile("w2.yaml", Manifests.Widget("w2", "medium", 1)));
        Assert.Contains("widget.example.flywheel.dev/w2 serverside-applied", ssa.Stdout);
        var applied = JsonNode.Parse((await Ok("get", "widget", "w2", "-o", "json", "--show-managed-fields")).Stdout)!;
        var entry = applied["metadata"]!["managedFields"]!.AsArray().Single()!;
        Assert.Equal("kubectl", (string?)entry["manager"]);
        Assert.Equal("Apply", (string?)entry["operation"]);
        Assert.Equal("{\"f:spec\":{\"f:replicas\":{},\"f:size\":{}}}", entry["fieldsV1"]!.ToJsonString());

        await Ok("patch", "widget", "w2", "--type", "merge", "-p", "{\"spec\":{\"replicas\":3}}");
        await Ok("patch", "widget", "w2", "--type", "json", "-p", "[{\"op\":\"replace\",\"path\":\"/spec/size\",\"value\":\"large\"}]");
        var json = JsonNode.Parse((await Ok("get", "widget", "w2", "-o", "json", "--show-managed-fields")).Stdout)!;
        Assert.Equal("large", (string?)json["spec"]!["size"]);
        Assert.Equal(3, (int?)json["spec"]!["replicas"]);
        Assert.Equal(3, (int?)json["metadata"]!["generation"]);
        var managers = json["metadata"]!["managedFields"]!.AsArray().Select(m => $"{m!["manager"]}/{m["operation"]}").ToList();
        Assert.Equal(["kubectl-patch/Update"], managers);

        var conflict = await _tools.KubectlAsync("apply", "--server-side", "--field-manager", "other", "-f", _tools.WriteFile("w2b.yaml", Manifests.Widget("w2", "small", 3)));
        Assert.NotEqual(0, conflict.ExitCode);
        Assert.Contains("conflict", conflict.Stderr);
        Assert.Contains(".spec.size", conflict.Stderr);
        await Ok("apply", "--server-side", "--force-conflicts", "--field-manager", "other", "-f", Path.Combine(_tools.WorkDirectory, "w2b.yaml"));
        Assert.Equal("small", (await Ok("get", "widget", "w2", "-o", "jsonpath={.spec.size}")).Stdout);
    }

    [Fact]
    public async Task Wait_for_condition_is_released_when_status_sets_it()
    {
        await ApplyCrdAsync();
        await Ok("apply", "-f", _tools.WriteFile("w3.yaml", Manifests.Widget("w3")));
        var waiting = _tools.KubectlAsync("wait", "--for=condition=Ready", "widget/w3", "--timeout=30s");
        await Task.Delay(300);
        Assert.False(waiting.IsCompleted, "kubectl wait returned before the condition was set");

        using var http = new HttpClient { BaseAddress = _cluster.BaseUri };
        using var patch = new StringContent("{\"status\":{\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\",\"reason\":\"Done\"}]},\"spec\":{\"size\":\"large\"}}");
        patch.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/merge-patch+json");
        var response = await http.PatchAsync("apis/example.flywheel.dev/v1alpha1/namespaces/default/widgets/w3/status", patch);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());

        var result = await waiting;
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("widget.example.flywheel.dev/w3 condition met", result.Stdout);
        Assert.Equal("small", (await Ok("get", "widget", "w3", "-o", "jsonpath={.spec.size}")).Stdout);
        Assert.Matches(@"w3\s+small\s+2\s+True", (await Ok("get", "widgets")).Stdout);
    }

    [Fact]
    public async Task Delete_with_a_pending_finalizer_marks_then_removes()
    {
        await ApplyCrdAsync();
        await Ok("apply", "-f", _tools.WriteFile("w4.yaml", Manifests.Widget("w4", extra: "  finalizers: [example.flywheel.dev/hold]")));

        var deleted = await Ok("delete", "widget", "w4", "--wait=false");
        Assert.Contains("\"w4\" deleted", deleted.Stdout);
        var stamp = await Ok("get", "widget", "w4", "-o", "jsonpath={.metadata.deletionTimestamp}");
        Assert.Matches(@"^\d{4}-\d\d-\d\dT", stamp.Stdout);

        await Ok("patch", "widget", "w4", "--type", "merge", "-p", "{\"metadata\":{\"finalizers\":null}}");
        var gone = await _tools.KubectlAsync("get", "widget", "w4");
        Assert.NotEqual(0, gone.ExitCode);
        Assert.Contains("widgets.example.flywheel.dev \"w4\" not found", gone.Stderr);
    }

    [Fact]
    public async Task Explain_prints_a_crd_field_and_invalid_objects_name_the_field()
    {
        await ApplyCrdAsync();
        var explain = await Ok("explain", "widgets.spec.size");
        Assert.Contains("KIND:       Widget", explain.Stdout);
        Assert.Contains("FIELD: size <string>", explain.Stdout);
        Assert.Contains("How big the widget is.", explain.Stdout);

        var invalid = await _tools.KubectlAsync("apply", "-f", _tools.WriteFile("bad.yaml", Manifests.Widget("bad", "huge", 20)));
        Assert.NotEqual(0, invalid.ExitCode);
        Assert.Contains("The Widget \"bad\" is invalid", invalid.Stderr);
        Assert.Contains("spec.replicas: Invalid value: 20: spec.replicas in body should be less than or equal to 10", invalid.Stderr);
        Assert.Contains("spec.size: Unsupported value: \"huge\"", invalid.Stderr);

        var unknown = await _tools.KubectlAsync("apply", "-f", _tools.WriteFile("unknown.yaml", Manifests.Widget("odd").Replace("  size: small", "  size: small\n  shape: round", StringComparison.Ordinal)));
        Assert.NotEqual(0, unknown.ExitCode);
        Assert.Contains("unknown field \"spec.shape\"", unknown.Stderr);
    }

    [Fact]
    public async Task A_deployment_applied_edited_and_reapplied_merges_containers_by_name()
    {
        await Ok("apply", "-f", _tools.WriteFile("dep.yaml", Manifests.Deployment("nginx:1.25", "        - {name: A, value: \"1\"}")));
        await Ok("set", "env", "deployment/web", "-c", "sidecar", "MODE=debug");

        await Ok("apply", "-f", _tools.WriteFile("dep.yaml", Manifests.Deployment("nginx:1.26", "        - {name: A, value: \"2\"}\n        - {name: B, value: \"3\"}")));
        var json = JsonNode.Parse((await Ok("get", "deployment", "web", "-o", "json")).Stdout)!;
        var containers = json["spec"]!["template"]!["spec"]!["containers"]!.AsArray();
        Assert.Equal(["web", "sidecar"], containers.Select(c => (string?)c!["name"]));
        Assert.Equal("nginx:1.26", (string?)containers[0]!["image"]);
        Assert.Equal("[{\"name\":\"A\",\"value\":\"2\"},{\"name\":\"B\",\"value\":\"3\"}]", containers[0]!["env"]!.ToJsonString());
        Assert.Equal(80, (int?)containers[0]!["ports"]![0]!["containerPort"]);
        Assert.Equal("MODE", (string?)containers[1]!["env"]![0]!["name"]);
        Assert.Equal(3, (int?)json["metadata"]!["generation"]);
        Assert.Matches(@"web\s+0/1", (await Ok("get", "deployments")).Stdout);
    }

    [Fact]
    public async Task Scale_subresource_and_typed_creates()
    {
        await ApplyCrdAsync();
        await Ok("apply", "-f", _tools.WriteFile("w5.yaml", Manifests.Widget("w5")));
        await Ok("scale", "widget", "w5", "--replicas=5");
        Assert.Equal("5", (await Ok("get", "widget", "w5", "-o", "jsonpath={.spec.replicas}")).Stdout);

        await Ok("create", "namespace", "team-a");
        await Ok("create", "configmap", "settings", "-n", "team-a", "--from-literal=mode=fast");
        await Ok("create", "secret", "generic", "creds", "-n", "team-a", "--from-literal=password=s3cret");
        Assert.Equal("fast", (await Ok("get", "configmap", "settings", "-n", "team-a", "-o", "jsonpath={.data.mode}")).Stdout);
        Assert.Equal(Convert.ToBase64String("s3cret"u8.ToArray()), (await Ok("get", "secret", "creds", "-n", "team-a", "-o", "jsonpath={.data.password}")).Stdout);

        await Ok("create", "serviceaccount", "robot", "-n", "team-a");
        await Ok("create", "role", "reader", "-n", "team-a", "--verb=get,list", "--resource=configmaps");
        await Ok("create", "rolebinding", "robot-reads", "-n", "team-a", "--role=reader", "--serviceaccount=team-a:robot");
        var role = JsonNode.Parse((await Ok("get", "role", "reader", "-n", "team-a", "-o", "json")).Stdout)!;
        var rule = role["rules"]!.AsArray().Single()!;
        Assert.Equal("[\"get\",\"list\"]", rule["verbs"]!.ToJsonString());
        Assert.Equal("[\"\"]", rule["apiGroups"]!.ToJsonString());
        Assert.Equal("[\"configmaps\"]", rule["resources"]!.ToJsonString());
        var binding = JsonNode.Parse((await Ok("get", "rolebinding", "robot-reads", "-n", "team-a", "-o", "json")).Stdout)!;
        Assert.Equal("reader", (string?)binding["roleRef"]!["name"]);
        Assert.Equal("robot", (string?)binding["subjects"]![0]!["name"]);

        await Ok("delete", "namespace", "team-a", "--wait=true", "--timeout=30s");
        var gone = await _tools.KubectlAsync("get", "configmap", "settings", "-n", "team-a");
        Assert.NotEqual(0, gone.ExitCode);
    }
}
