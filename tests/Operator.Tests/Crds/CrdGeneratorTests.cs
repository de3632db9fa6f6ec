using Flywheel.Operator.Api.V1Alpha1;
using Flywheel.Operator.Crds;
using k8s.Models;

namespace Flywheel.Operator.Tests.Crds;

public sealed class CrdGeneratorTests
{
    private static readonly CrdGenerator Generator = CrdGenerator.CreateDefault();

    [Theory]
    [InlineData(typeof(Model), "models", "Model", "mdl")]
    [InlineData(typeof(TrainingRun), "trainingruns", "TrainingRun", "trun")]
    [InlineData(typeof(ModelDeployment), "modeldeployments", "ModelDeployment", "mdep")]
    [InlineData(typeof(RetrainPolicy), "retrainpolicies", "RetrainPolicy", "rtp")]
    public void Names_scope_short_names_and_category(Type kind, string plural, string kindName, string shortName)
    {
        var crd = Generator.Generate(kind);

        Assert.Equal($"{plural}.flywheel.dev", crd.Metadata.Name);
        Assert.Equal("flywheel.dev", crd.Spec.Group);
        Assert.Equal("Namespaced", crd.Spec.Scope);
        Assert.Equal(kindName, crd.Spec.Names.Kind);
        Assert.Equal(kindName + "List", crd.Spec.Names.ListKind);
        Assert.Equal(plural, crd.Spec.Names.Plural);
        Assert.Equal(kindName.ToLowerInvariant(), crd.Spec.Names.Singular);
        Assert.Equal([shortName], crd.Spec.Names.ShortNames);
        Assert.Equal(["flywheel"], crd.Spec.Names.Categories);
        var version = Assert.Single(crd.Spec.Versions);
        Assert.Equal("v1alpha1", version.Name);
        Assert.True(version.Served);
        Assert.True(version.Storage);
        Assert.NotNull(version.Subresources.Status);
    }

    [Theory]
    [InlineData(typeof(Model), "Task,Latest,Promoted,Metric,Age")]
    [InlineData(typeof(TrainingRun), "Model,Reason,Phase,Version,Metric,Age")]
    [InlineData(typeof(ModelDeployment), "Model,Version,Ready,Replicas,Age")]
    [InlineData(typeof(RetrainPolicy), "Model,Last Trigger,Last Run,Next Run,Age")]
    public void Printer_columns_in_order(Type kind, string columns)
    {
        var version = Generator.Generate(kind).Spec.Versions[0];

        Assert.Equal(columns.Split(','), version.AdditionalPrinterColumns.Select(c => c.Name));
        var age = version.AdditionalPrinterColumns[^1];
        Assert.Equal(("date", ".metadata.creationTimestamp"), (age.Type, age.JsonPath));
        Assert.All(version.AdditionalPrinterColumns, c => Assert.StartsWith(".", c.JsonPath));
    }

    [Fact]
    public void Only_model_deployment_has_the_scale_subresource()
    {
        var scale = Generator.Generate(typeof(ModelDeployment)).Spec.Versions[0].Subresources.Scale;

        Assert.Equal(".spec.replicas", scale.SpecReplicasPath);
        Assert.Equal(".status.replicas", scale.StatusReplicasPath);
        Assert.Equal(".status.selector", scale.LabelSelectorPath);
        Assert.Null(Generator.Generate(typeof(Model)).Spec.Versions[0].Subresources.Scale);
    }

    [Fact]
    public void Root_schema_requires_spec_and_documents_the_kind()
    {
        var root = Generator.Generate(typeof(ModelDeployment)).Spec.Versions[0].Schema.OpenAPIV3Schema;

        Assert.Equal("object", root.Type);
        Assert.Equal(["spec"], root.Required);
        Assert.Equal(["apiVersion", "kind", "metadata", "spec", "status"], root.Properties.Keys);
        Assert.Contains("does not shadow apps/v1 Deployment", root.Description);
    }

    [Theory]
    [InlineData(typeof(Model))]
    [InlineData(typeof(TrainingRun))]
    [InlineData(typeof(ModelDeployment))]
    [InlineData(typeof(RetrainPolicy))]
    public void Conditions_are_a_map_list_keyed_by_type(Type kind)
    {
        var status = Generator.Generate(kind).Spec.Versions[0].Schema.OpenAPIV3Schema.Properties["status"];
        var conditions = status.Properties["conditions"];

        Assert.Equal("map", conditions.XKubernetesListType);
        Assert.Equal(["type"], conditions.XKubernetesListMapKeys);
        var item = (V1JSONSchemaProps)conditions.Items;
        Assert.Equal(["status", "type"], item.Required.Order(StringComparer.Ordinal));
        Assert.Equal(["True", "False", "Unknown"], item.Properties["status"].EnumProperty.Cast<string>());
        Assert.Equal("date-time", item.Properties["lastTransitionTime"].Format);
        Assert.Equal("integer", status.Properties["observedGeneration"].Type);
    }

    [Fact]
    public void Spec_validation_reaches_the_schema()
    {
        var model = Generator.Generate(typeof(Model)).Spec.Versions[0].Schema.OpenAPIV3Schema.Properties["spec"];
        var training = model.Properties["training"];

        Assert.Equal(["data", "task", "training"], model.Required);
        Assert.Equal(1, training.Properties["candidates"].MinItems);
        var holdout = training.Properties["validation"].Properties["holdoutFraction"];
        Assert.True(holdout.ExclusiveMinimum);
        Assert.True(holdout.ExclusiveMaximum);
        Assert.Equal(10L, model.Properties["versionsToKeep"].DefaultProperty);
        Assert.Equal(42L, training.Properties["seed"].DefaultProperty);
        Assert.Equal("grid", training.Properties["search"].DefaultProperty);
        Assert.Equal("auto", model.Properties["promotion"].Properties["mode"].DefaultProperty);
        Assert.Contains(model.Properties["data"].Properties["source"].XKubernetesValidations, r => r.Rule.Contains("(file|pvc|s3|https)://", StringComparison.Ordinal));
    }
}
