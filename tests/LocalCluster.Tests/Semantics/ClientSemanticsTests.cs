using System.Net;
using Flywheel.Testing;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Flywheel.ApiServer.Tests.Semantics;

/// <summary>The API semantics as KubernetesClient sees them over HTTP.</summary>
public sealed class ClientSemanticsTests : IAsyncLifetime
{
    private LocalCluster _cluster = null!;
    private Kubernetes _client = null!;

    public async Task InitializeAsync()
    {
        _cluster = await LocalCluster.StartAsync();
        _client = new Kubernetes(_cluster.ClientConfiguration);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _cluster.DisposeAsync();
    }

    private static V1ConfigMap ConfigMap(string name, string value = "1", IDictionary<string, string>? labels = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, Labels = labels },
        Data = new Dictionary<string, string> { ["value"] = value },
    };

    [Fact]
    public async Task Create_stamps_uid_timestamp_and_increasing_resource_versions()
    {
        var first = await _client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("first"), "default");
        var second = await _client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("second"), "default");

        Assert.False(string.IsNullOrEmpty(first.Metadata.Uid));
        Assert.NotEqual(first.Metadata.Uid, second.Metadata.Uid);
        Assert.NotNull(first.Metadata.CreationTimestamp);
        Assert.True(long.Parse(second.Metadata.ResourceVersion) > long.Parse(first.Metadata.ResourceVersion));
        var read = await _client.CoreV1.ReadNamespacedConfigMapAsync("first", "default");
        Assert.Equal(first.Metadata.ResourceVersion, read.Metadata.ResourceVersion);
        Assert.Equal("1", read.Data["value"]);

        var generated = await _client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { GenerateName = "gen-" } }, "default");
        Assert.Matches("^gen-[a-z0-9]{5}$", generated.Metadata.Name);
        Assert.Equal(generated.Metadata.Uid, (await _client.CoreV1.ReadNamespacedConfigMapAsync(generated.Metadata.Name, "default")).Metadata.Uid);
    }

    [Fact]
    public async Task Stale_update_is_a_409_conflict()
    {
        var created = await _client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("cas"), "default");
        var fresh = await _client.CoreV1.ReadNamespacedConfigMapAsync("cas", "default");
        fresh.Data["value"] = "2";
        await _client.CoreV1.ReplaceNamespacedConfigMapAsync(fresh, "cas", "default");

        created.Data["value"] = "3";
        var error = await Assert.ThrowsAsync<HttpOperationException>(() => _client.CoreV1.ReplaceNamespacedConfigMapAsync(created, "cas", "default"));

        Assert.Equal(HttpStatusCode.Conflict, error.Response.StatusCode);
        Assert.Contains("the object has been modified", error.Response.Content);
        Assert.Contains("\"reason\":\"Conflict\"", error.Response.Content);
        Assert.Equal("2", (await _client.CoreV1.ReadNamespacedConfigMapAsync("cas", "default")).Data["value"]);
    }

    [Fact]
    public async Task Errors_are_status_objects_with_real_codes()
    {
        var missing = await Assert.ThrowsAsync<HttpOperationException>(() => _client.CoreV1.ReadNamespacedConfigMapAsync("nope", "default"));
        Assert.Equal(HttpStatusCode.NotFound, missing.Response.StatusCode);
        Assert.Contains("configmaps \\\"nope\\\" not found", missing.Response.Content);

        await _client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("twice"), "default");
        var exists = await Assert.ThrowsAsync<HttpOperationException>(() => _client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("twice"), "default"));
        Assert.Equal(HttpStatusCode.Conflict, exists.Response.StatusCode);
        Assert.Contains("AlreadyExists", exists.Response.Content);

        var invalid = await Assert.ThrowsAsync<HttpOperationException>(() => _client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("Not_Valid"), "default"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, invalid.Response.StatusCode);
        Assert.Contains("\"field\":\"metadata.name\"", invalid.Response.Content);

        var noNamespace = await Assert.ThrowsAsync<HttpOperationException>(() => _client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("x"), "no-such-namespace"));
        Assert.Equal(HttpStatusCode.NotFound, noNamespace.Response.StatusCode);
        Assert.Contains("namespaces \\\"no-such-namespace\\\" not found", noNamespace.Response.Content);

        using var http = new HttpClient { BaseAddress = _cluster.BaseUri };
        var post = await http.PostAsync("api/v1/namespaces/default/configmaps/twice", new StringContent("{}"));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
        Assert.Contains("\"kind\":\"Status\"", await post.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Generation_moves_on_spec_changes_only()
    {
        var apps = new GenericClient(_client, "apps", "v1", "deployments");
        var deployment = new V1Deployment
        {
            Metadata = new V1ObjectMeta { Name = "web" },
            Spec = new V1DeploymentSpec
            {
                Replicas = 1,
                Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "web" } },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "web" } },
                    Spec = new V1PodSpec { Containers = [new V1Container { Name = "web", Image = "nginx:1" }] },
                },
            },
        };
        var created = await apps.CreateNamespacedAsync(deployment, "default");
        Assert.Equal(1, created.Metadata.Generation);

        created.Metadata.Labels = new Dictionary<string, string> { ["tier"] = "front" };
        var relabelled = await apps.ReplaceNamespacedAsync(created, "default", "web");
        Assert.Equal(1, relabelled.Metadata.Generation);

        relabelled.Spec.Replicas = 3;
        var scaled = await apps.ReplaceNamespacedAsync(relabelled, "default", "web");
        Assert.Equal(2, scaled.Metadata.Generation);

        scaled.Status = new V1DeploymentStatus { Replicas = 3, ReadyReplicas = 3 };
        var ignored = await apps.ReplaceNamespacedAsync(scaled, "default", "web");
        Assert.Null(ignored.Status?.ReadyReplicas);

        var withStatus = await _client.AppsV1.ReplaceNamespacedDeploymentStatusAsync(scaled, "web", "default");
        Assert.Equal(3, withStatus.Status.ReadyReplicas);
        Assert.Equal(2, withStatus.Metadata.Generation);
    }

    [Fact]
    public async Task Label_and_field_selectors_and_paging()
    {
        for (var i = 0; i < 7; i++)
        {
            var labels = new Dictionary<string, string> { ["tier"] = i % 2 == 0 ? "even" : "odd", ["n"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture) };
            if (i == 0)
            {
                labels["special"] = "yes";
            }

            await _client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap($"item-{i}", labels: labels), "default");
        }

        async Task<string[]> Names(string? labels = null, string? fields = null) =>
            (await _client.CoreV1.ListNamespacedConfigMapAsync("default", labelSelector: labels, fieldSelector: fields)).Items.Select(c => c.Metadata.Name).ToArray();

        Assert.Equal(["item-0", "item-2", "item-4", "item-6"], await Names("tier=even"));
        Assert.Equal(["item-1", "item-3", "item-5"], await Names("tier==odd"));
        Assert.Equal(["item-1", "item-3", "item-5"], await Names("tier!=even"));
        Assert.Equal(["item-1", "item-2"], await Names("n in (1,2)"));
        Assert.Equal(["item-0", "item-3", "item-4", "item-5", "item-6"], await Names("n notin (1,2)"));
        Assert.Equal(["item-0"], await Names("special"));
        Assert.Equal(6, (await Names("!special,tier")).Length);
        Assert.Equal(["item-3"], await Names(fields: "metadata.name=item-3"));
        Assert.Equal(6, (await Names(fields: "metadata.name!=item-3,metadata.namespace=default")).Length);

        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await _client.CoreV1.ListNamespacedConfigMapAsync("default", limit: 3, continueParameter: token);
            seen.AddRange(page.Items.Select(i => i.Metadata.Name));
            token = page.Metadata.ContinueProperty;
            pages++;
        }
        while (!string.IsNullOrEmpty(token));

        Assert.Equal(3, pages);
        Assert.Equal(Enumerable.Range(0, 7).Select(i => $"item-{i}"), seen);
    }

    [Fact]
    public async Task Finalizers_hold_deletion_until_removed_and_no_new_ones_can_be_added()
    {
        var cm = ConfigMap("held");
        cm.Metadata.Finalizers = ["example.com/hold"];
        await _client.CoreV1.CreateNamespacedConfigMapAsync(cm, "default");

        await _client.CoreV1.DeleteNamespacedConfigMapAsync("held", "default");
        var marked = await _client.CoreV1.ReadNamespacedConfigMapAsync("held", "default");
        Assert.NotNull(marked.Metadata.DeletionTimestamp);

        marked.Metadata.Finalizers = ["example.com/hold", "example.com/another"];
        var refused = await Assert.ThrowsAsync<HttpOperationException>(() => _client.CoreV1.ReplaceNamespacedConfigMapAsync(marked, "held", "default"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.Response.StatusCode);
        Assert.Contains("no new finalizers can be added", refused.Response.Content);

        var patch = new V1Patch("{\"metadata\":{\"finalizers\":null}}", V1Patch.PatchType.MergePatch);
        await _client.CoreV1.PatchNamespacedConfigMapAsync(patch, "held", "default");
        var gone = await Assert.ThrowsAsync<HttpOperationException>(() => _client.CoreV1.ReadNamespacedConfigMapAsync("held", "default"));
        Assert.Equal(HttpStatusCode.NotFound, gone.Response.StatusCode);
    }

    [Fact]
    public async Task Owned_objects_are_garbage_collected_in_the_background()
    {
        var owner = await _client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("owner"), "default");
        var reference = new V1OwnerReference { ApiVersion = "v1", Kind = "ConfigMap", Name = "owner", Uid = owner.Metadata.Uid };
        for (var i = 0; i < 3; i++)
        {
            var child = ConfigMap($"child-{i}");
            child.Metadata.OwnerReferences = [reference];
            await _client.CoreV1.CreateNamespacedConfigMapAsync(child, "default");
        }

        var orphanOwner = await _client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("orphan-owner"), "default");
        var kept = ConfigMap("kept");
        kept.Metadata.OwnerReferences = [new V1OwnerReference { ApiVersion = "v1", Kind = "ConfigMap", Name = "orphan-owner", Uid = orphanOwner.Metadata.Uid }];
        await _client.CoreV1.CreateNamespacedConfigMapAsync(kept, "default");

        await _client.CoreV1.DeleteNamespacedConfigMapAsync("owner", "default");
        await _client.CoreV1.DeleteNamespacedConfigMapAsync("orphan-owner", "default", propagationPolicy: "Orphan");

        var left = await Poll.UntilAsync(
            async () => (await _client.CoreV1.ListNamespacedConfigMapAsync("default")).Items.Select(c => c.Metadata.Name).ToList(),
            names => !names.Any(n => n.StartsWith("child-", StringComparison.Ordinal)) && !names.Contains("orphan-owner"),
            TimeSpan.FromSeconds(15),
            "garbage collection");

        Assert.Contains("kept", left);
        var orphan = await _client.CoreV1.ReadNamespacedConfigMapAsync("kept", "default");
        Assert.True(orphan.Metadata.OwnerReferences is null or { Count: 0 });

        // An owner reference added later to an object whose owner is already gone gets it collected too.
        await _client.CoreV1.PatchNamespacedConfigMapAsync(
            new V1Patch($"{{\"metadata\":{{\"ownerReferences\":[{{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"name\":\"owner\",\"uid\":\"{owner.Metadata.Uid}\"}}]}}}}", V1Patch.PatchType.MergePatch),
            "kept",
            "default");
        await Poll.UntilAsync(
            async () => (await _client.CoreV1.ListNamespacedConfigMapAsync("default")).Items.Select(c => c.Metadata.Name).ToList(),
            names => !names.Contains("kept"),
            TimeSpan.FromSeconds(15),
            "collection of a late-owned object");
    }

    [Fact]
    public async Task Foreground_deletion_removes_dependents_before_the_owner()
    {
        var owner = await _client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("fg-owner"), "default");
        var child = ConfigMap("fg-child");
        child.Metadata.OwnerReferences = [new V1OwnerReference { ApiVersion = "v1", Kind = "ConfigMap", Name = "fg-owner", Uid = owner.Metadata.Uid, BlockOwnerDeletion = true }];
        child.Metadata.Finalizers = ["example.com/slow"];
        await _client.CoreV1.CreateNamespacedConfigMapAsync(child, "default");

        await _client.CoreV1.DeleteNamespacedConfigMapAsync("fg-owner", "default", propagationPolicy: "Foreground");
        var waiting = await Poll.UntilAsync(
            () => _client.CoreV1.ReadNamespacedConfigMapAsync("fg-child", "default"),
            c => c.Metadata.DeletionTimestamp is not null,
            TimeSpan.FromSeconds(15),
            "dependent marked for deletion");
        var ownerNow = await _client.CoreV1.ReadNamespacedConfigMapAsync("fg-owner", "default");
        Assert.Contains("foregroundDeletion", ownerNow.Metadata.Finalizers);

        waiting.Metadata.Finalizers = [];
        await _client.CoreV1.ReplaceNamespacedConfigMapAsync(waiting, "fg-child", "default");
        await Poll.UntilAsync(
            async () => (await _client.CoreV1.ListNamespacedConfigMapAsync("default")).Items.Count(c => c.Metadata.Name.StartsWith("fg-", StringComparison.Ordinal)),
            count => count == 0,
            TimeSpan.FromSeconds(15),
            "foreground deletion to finish");
    }

    [Fact]
    public async Task Merge_and_json_patches_change_only_what_they_name()
    {
        var cm = ConfigMap("patched");
        cm.Data["other"] = "keep";
        await _client.CoreV1.CreateNamespacedConfigMapAsync(cm, "default");

        await _client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("{\"data\":{\"value\":\"merged\"}}", V1Patch.PatchType.MergePatch), "patched", "default");
        var merged = await _client.CoreV1.ReadNamespacedConfigMapAsync("patched", "default");
        Assert.Equal("merged", merged.Data["value"]);
        Assert.Equal("keep", merged.Data["other"]);

        await _client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("[{\"op\":\"replace\",\"path\":\"/data/value\",\"value\":\"json\"},{\"op\":\"remove\",\"path\":\"/data/other\"}]", V1Patch.PatchType.JsonPatch), "patched", "default");
        var patched = await _client.CoreV1.ReadNamespacedConfigMapAsync("patched", "default");
        Assert.Equal(new Dictionary<string, string> { ["value"] = "json" }, patched.Data);

        var failedTest = await Assert.ThrowsAsync<HttpOperationException>(() => _client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("[{\"op\":\"test\",\"path\":\"/data/value\",\"value\":\"other\"}]", V1Patch.PatchType.JsonPatch), "patched", "default"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, failedTest.Response.StatusCode);
    }

    [Fact]
    public async Task Malformed_bodies_get_a_400_that_names_the_field()
    {
        using var http = new HttpClient { BaseAddress = _cluster.BaseUri };
        static StringContent Json(string body, string type = "application/json") => new(body, System.Text.Encoding.UTF8, type);

        var badLabel = await http.PostAsync("api/v1/namespaces/default/configmaps", Json("{\"metadata\":{\"name\":\"x\",\"labels\":{\"team\":7}}}"));
        Assert.Equal(HttpStatusCode.BadRequest, badLabel.StatusCode);
        Assert.Contains("metadata.labels.team must be a string, got 7", await badLabel.Content.ReadAsStringAsync());

        await _client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("shaped"), "default");
        var badPatch = await http.PatchAsync("api/v1/namespaces/default/configmaps/shaped", Json("{\"metadata\":{\"finalizers\":\"one\"}}", "application/merge-patch+json"));
        Assert.Equal(HttpStatusCode.BadRequest, badPatch.StatusCode);
        Assert.Contains("metadata.finalizers must be a list of strings", await badPatch.Content.ReadAsStringAsync());

        var notJson = await http.PostAsync("api/v1/namespaces/default/configmaps", Json("{not json"));
        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
        Assert.Contains("\"kind\":\"Status\"", await notJson.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Table_output_and_dry_run()
    {
        await _client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("tabled"), "default");
        using var http = new HttpClient { BaseAddress = _cluster.BaseUri };
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/v1/namespaces/default/configmaps");
        request.Headers.TryAddWithoutValidation("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io,application/json");
        using var response = await http.SendAsync(request);
        var table = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal("Table", (string?)table["kind"]);
        Assert.Equal(["Name", "Data", "Age"], table["columnDefinitions"]!.AsArray().Select(c => (string?)c!["name"]));
        var row = table["rows"]!.AsArray().Single()!;
        Assert.Equal("tabled", (string?)row["cells"]![0]);
        Assert.Equal(1, (int?)row["cells"]![1]);
        Assert.Equal("PartialObjectMetadata", (string?)row["object"]!["kind"]);

        var dry = await _client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("dry"), "default", dryRun: "All");
        Assert.Equal("dry", dry.Metadata.Name);
        var missing = await Assert.ThrowsAsync<HttpOperationException>(() => _client.CoreV1.ReadNamespacedConfigMapAsync("dry", "default"));
        Assert.Equal(HttpStatusCode.NotFound, missing.Response.StatusCode);
    }
}
