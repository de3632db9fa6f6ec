using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Flywheel.ApiServer.Tests.Resources;

/// <summary>Creating a CRD starts serving its resources at every served version; deleting it stops that and removes its objects.</summary>
public sealed class CrdServingTests : IAsyncLifetime
{
    private const string Crd = """
        {
          "apiVersion": "apiextensions.k8s.io/v1",
          "kind": "CustomResourceDefinition",
          "metadata": {"name": "gadgets.example.flywheel.dev"},
          "spec": {
            "group": "example.flywheel.dev",
            "scope": "Cluster",
            "names": {"kind": "Gadget", "plural": "gadgets", "singular": "gadget", "shortNames": ["gd"], "categories": ["flywheel"]},
            "versions": [
              {"name": "v1alpha1", "served": true, "storage": true, "schema": {"openAPIV3Schema": {"type": "object", "properties": {"spec": {"type": "object", "properties": {"size": {"type": "integer"}}}}}}},
              {"name": "v1beta1", "served": true, "storage": false, "subresources": {"status": {}}, "schema": {"openAPIV3Schema": {"type": "object", "properties": {"spec": {"type": "object", "properties": {"size": {"type": "integer", "maximum": 5}}}}}}},
              {"name": "v1", "served": false, "storage": false, "schema": {"openAPIV3Schema": {"type": "object"}}}
            ]
          }
        }
        """;

    private LocalCluster _cluster = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _cluster = await LocalCluster.StartAsync();
        _http = new HttpClient { BaseAddress = _cluster.BaseUri };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _cluster.DisposeAsync();
    }

    private async Task<(HttpStatusCode Code, JsonNode? Body)> SendAsync(HttpMethod method, string path, string? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    [Fact]
    public async Task Every_served_version_is_discoverable_and_shares_storage()
    {
        var (created, crd) = await SendAsync(HttpMethod.Post, "apis/apiextensions.k8s.io/v1/customresourcedefinitions", Crd);
        Assert.Equal(HttpStatusCode.Created, created);
        Assert.Contains(crd!["status"]!["conditions"]!.AsArray(), c => (string?)c!["type"] == "Established" && (string?)c["status"] == "True");

        var group = (await SendAsync(HttpMethod.Get, "apis/example.flywheel.dev")).Body!;
        Assert.Equal("example.flywheel.dev/v1beta1", (string?)group["preferredVersion"]!["groupVersion"]);
        Assert.Equal(["v1beta1", "v1alpha1"], group["versions"]!.AsArray().Select(v => (string?)v!["version"]));
        var resources = (await SendAsync(HttpMethod.Get, "apis/example.flywheel.dev/v1beta1")).Body!["resources"]!.AsArray();
        var gadgets = resources.Single(r => (string?)r!["name"] == "gadgets")!;
        Assert.False((bool?)gadgets["namespaced"]);
        Assert.Equal("[\"gd\"]", gadgets["shortNames"]!.ToJsonString());
        Assert.Equal("[\"flywheel\"]", gadgets["categories"]!.ToJsonString());
        Assert.Contains(resources, r => (string?)r!["name"] == "gadgets/status");
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Get, "apis/example.flywheel.dev/v1/gadgets")).Code);

        var (stored, _) = await SendAsync(HttpMethod.Post, "apis/example.flywheel.dev/v1alpha1/gadgets", """{"apiVersion":"example.flywheel.dev/v1alpha1","kind":"Gadget","metadata":{"name":"g1"},"spec":{"size":9}}""");
        Assert.Equal(HttpStatusCode.Created, stored);
        var (_, asBeta) = await SendAsync(HttpMethod.Get, "apis/example.flywheel.dev/v1beta1/gadgets/g1");
        Assert.Equal("example.flywheel.dev/v1beta1", (string?)asBeta!["apiVersion"]);
        Assert.Equal(9, (int?)asBeta["spec"]!["size"]);

        var (invalid, status) = await SendAsync(HttpMethod.Post, "apis/example.flywheel.dev/v1beta1/gadgets", """{"apiVersion":"example.flywheel.dev/v1beta1","kind":"Gadget","metadata":{"name":"g2"},"spec":{"size":9}}""");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, invalid);
        Assert.Equal("Invalid", (string?)status!["reason"]);
        Assert.Equal("spec.size", (string?)status["details"]!["causes"]![0]!["field"]);
    }

    [Fact]
    public async Task Deleting_the_crd_stops_serving_and_removes_its_objects()
    {
        await SendAsync(HttpMethod.Post, "apis/apiextensions.k8s.io/v1/customresourcedefinitions", Crd);
        await SendAsync(HttpMethod.Post, "apis/example.flywheel.dev/v1alpha1/gadgets", """{"metadata":{"name":"g1"},"spec":{"size":1}}""");

        var (deleted, _) = await SendAsync(HttpMethod.Delete, "apis/apiextensions.k8s.io/v1/customresourcedefinitions/gadgets.example.flywheel.dev");
        Assert.Equal(HttpStatusCode.OK, deleted);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Get, "apis/example.flywheel.dev/v1alpha1/gadgets")).Code);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Get, "apis/example.flywheel.dev")).Code);

        await SendAsync(HttpMethod.Post, "apis/apiextensions.k8s.io/v1/customresourcedefinitions", Crd);
        var items = (await SendAsync(HttpMethod.Get, "apis/example.flywheel.dev/v1alpha1/gadgets")).Body!["items"]!.AsArray();
        Assert.Empty(items);
    }

    [Fact]
    public async Task Invalid_crds_are_rejected_with_the_field_to_fix()
    {
        var bad = Crd.Replace("\"scope\": \"Cluster\"", "\"scope\": \"Global\"", StringComparison.Ordinal).Replace("\"storage\": true", "\"storage\": false", StringComparison.Ordinal);

        var (code, status) = await SendAsync(HttpMethod.Post, "apis/apiextensions.k8s.io/v1/customresourcedefinitions", bad);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, code);
        var fields = status!["details"]!["causes"]!.AsArray().Select(c => (string?)c!["field"]).ToList();
        Assert.Contains("spec.scope", fields);
        Assert.Contains("spec.versions", fields);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Get, "apis/example.flywheel.dev/v1alpha1/gadgets")).Code);
    }
}
