using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Flywheel.Operator.Runtime.Api;
using Flywheel.Operator.Runtime.Resilience;
using Flywheel.Operator.Runtime.Status;
using Flywheel.Operator.Tests.Runtime.Support;
using k8s;
using k8s.Models;

namespace Flywheel.Operator.Tests.Runtime.Status;

public sealed class StatusWriterTests
{
    private readonly InMemoryResourceApis _apis = new();

    private StatusWriter Writer() => new(new KubeApi(_apis, KubernetesResilience.CreatePipeline(new ResilienceOptions(), TimeProvider.System)));

    private Widget Stored(WidgetStatus? status)
    {
        var widget = new Widget { Metadata = new V1ObjectMeta { NamespaceProperty = "ns", Name = "w" }, Status = status! };
        return _apis.Of<Widget>().Put(widget);
    }

    [Fact]
    public async Task An_unchanged_status_is_not_written()
    {
        var widget = Stored(new WidgetStatus { Phase = "Ready", ObservedGeneration = 3, Conditions = ["Ready"] });

        var wrote = await Writer().WriteAsync(widget, new WidgetStatus { Conditions = ["Ready"], ObservedGeneration = 3, Phase = "Ready", Message = null }, CancellationToken.None);

        Assert.False(wrote);
        Assert.Empty(_apis.Of<Widget>().StatusPatches);
    }

    [Fact]
    public async Task A_changed_status_is_written_as_a_merge_patch_of_the_difference()
    {
        var widget = Stored(new WidgetStatus { Phase = "Progressing", ObservedGeneration = 3, Message = "training", Conditions = ["Progressing"] });
        var next = new WidgetStatus { Phase = "Ready", ObservedGeneration = 3, Conditions = ["Ready"] };

        var wrote = await Writer().WriteAsync(widget, next, CancellationToken.None);

        Assert.True(wrote);
        var patch = JsonNode.Parse(Assert.Single(_apis.Of<Widget>().StatusPatches));
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"status":{"phase":"Ready","message":null,"conditions":["Ready"]}}"""),
            patch));
        Assert.Same(next, widget.Status);
    }

    [Fact]
    public async Task A_first_status_is_written_whole()
    {
        var widget = Stored(null);

        Assert.True(await Writer().WriteAsync(widget, new WidgetStatus { Phase = "Pending" }, CancellationToken.None));
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"status":{"phase":"Pending"}}"""),
            JsonNode.Parse(Assert.Single(_apis.Of<Widget>().StatusPatches))));
    }

    [KubernetesEntity(Group = "test.flywheel.dev", ApiVersion = "v1", Kind = "Widget", PluralName = "widgets")]
    internal sealed class Widget : IKubernetesObject<V1ObjectMeta>, IStatus<WidgetStatus>
    {
        [JsonPropertyName("apiVersion")]
        public string ApiVersion { get; set; } = "test.flywheel.dev/v1";

        [JsonPropertyName("kind")]
        public string Kind { get; set; } = "Widget";

        [JsonPropertyName("metadata")]
        public V1ObjectMeta Metadata { get; set; } = new();

        [JsonPropertyName("status")]
        public WidgetStatus Status { get; set; } = null!;
    }

    internal sealed class WidgetStatus
    {
        [JsonPropertyName("phase")]
        public string? Phase { get; set; }

        [JsonPropertyName("message")]
        public string? Message { get; set; }

        [JsonPropertyName("observedGeneration")]
        public long? ObservedGeneration { get; set; }

        [JsonPropertyName("conditions")]
        public List<string>? Conditions { get; set; }
    }
}
