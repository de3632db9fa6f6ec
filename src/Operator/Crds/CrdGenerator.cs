using System.Reflection;
using Flywheel.Operator.Api.Schema;
using k8s.Models;

namespace Flywheel.Operator.Crds;

/// <summary>
/// Builds a CustomResourceDefinition from an entity class: names from [KubernetesEntity],
/// [ShortNames] and [Categories]; the schema of spec and status; the status subresource when the
/// class has a status, the scale subresource from [ScaleSubresource]; printer columns from [PrinterColumn].
/// </summary>
internal sealed class CrdGenerator(XmlDocumentation docs)
{
    private readonly SchemaGenerator _schemas = new(docs);

    public static CrdGenerator CreateDefault()
    {
        var docs = new XmlDocumentation();
        docs.Require(typeof(CrdGenerator).Assembly);
        return new CrdGenerator(docs);
    }

    public V1CustomResourceDefinition Generate(Type entityType)
    {
        var entity = entityType.GetCustomAttribute<KubernetesEntityAttribute>()
            ?? throw new InvalidOperationException($"{entityType.Name} needs [KubernetesEntity] to become a CRD");
        if (string.IsNullOrEmpty(entity.PluralName))
        {
            throw new InvalidOperationException($"{entityType.Name}: set PluralName in [KubernetesEntity]");
        }

        var specProperty = entityType.GetProperty("Spec")
            ?? throw new InvalidOperationException($"{entityType.Name} needs a Spec property (ISpec<T>)");
        var statusProperty = entityType.GetProperty("Status");

        var properties = new Dictionary<string, V1JSONSchemaProps>(StringComparer.Ordinal)
        {
            ["apiVersion"] = new()
            {
                Type = "string",
                Description = "APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values.",
            },
            ["kind"] = new()
            {
                Type = "string",
                Description = "Kind is a string value representing the REST resource this object represents. In CamelCase.",
            },
            ["metadata"] = new() { Type = "object" },
            ["spec"] = _schemas.ForProperty(specProperty),
        };
        if (statusProperty is not null)
        {
            properties["status"] = _schemas.ForProperty(statusProperty);
        }

        var version = new V1CustomResourceDefinitionVersion
        {
            Name = entity.ApiVersion,
            Served = true,
            Storage = true,
            Schema = new V1CustomResourceValidation
            {
                OpenAPIV3Schema = new V1JSONSchemaProps
                {
                    Description = docs.For(entityType),
                    Type = "object",
                    Required = ["spec"],
                    Properties = properties,
                },
            },
            Subresources = Subresources(entityType, statusProperty is not null),
            AdditionalPrinterColumns = PrinterColumns(entityType),
        };

        var plural = entity.PluralName;
        return new V1CustomResourceDefinition
        {
            ApiVersion = "apiextensions.k8s.io/v1",
            Kind = "CustomResourceDefinition",
            Metadata = new V1ObjectMeta { Name = $"{plural}.{entity.Group}" },
            Spec = new V1CustomResourceDefinitionSpec
            {
                Group = entity.Group,
                Scope = "Namespaced",
                Names = new V1CustomResourceDefinitionNames
                {
                    Kind = entity.Kind,
                    ListKind = entity.Kind + "List",
                    Plural = plural,
                    Singular = entity.Kind.ToLowerInvariant(),
                    ShortNames = entityType.GetCustomAttribute<ShortNamesAttribute>()?.Names.ToList(),
                    Categories = entityType.GetCustomAttribute<CategoriesAttribute>()?.Categories.ToList(),
                },
                Versions = [version],
            },
        };
    }

    private static V1CustomResourceSubresources? Subresources(Type entityType, bool hasStatus)
    {
        var scale = entityType.GetCustomAttribute<ScaleSubresourceAttribute>();
        if (!hasStatus && scale is null)
        {
            return null;
        }

        return new V1CustomResourceSubresources
        {
            Status = hasStatus ? new Dictionary<string, object>() : null,
            Scale = scale is null
                ? null
                : new V1CustomResourceSubresourceScale
                {
                    SpecReplicasPath = scale.SpecReplicasPath,
                    StatusReplicasPath = scale.StatusReplicasPath,
                    LabelSelectorPath = scale.LabelSelectorPath,
                },
        };
    }

    private static List<V1CustomResourceColumnDefinition>? PrinterColumns(Type entityType)
    {
        var columns = entityType.GetCustomAttributes<PrinterColumnAttribute>()
            .OrderBy(c => c.Order)
            .Select(c => new V1CustomResourceColumnDefinition
            {
                Name = c.Name,
                Type = c.Type,
                JsonPath = c.JsonPath,
                Description = c.Description,
                Priority = c.Priority > 0 ? c.Priority : null,
            })
            .ToList();
        return columns.Count > 0 ? columns : null;
    }
}
