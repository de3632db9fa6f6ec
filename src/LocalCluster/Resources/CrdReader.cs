using System.Text.Json.Nodes;
using Flywheel.ApiServer.Schema;

namespace Flywheel.ApiServer.Resources;

/// <summary>Turns a CustomResourceDefinition into the resource types it serves, or the reasons it cannot.</summary>
internal static class CrdReader
{
    public static List<FieldError> Validate(JsonObject crd)
    {
        var errors = new List<FieldError>();
        var spec = crd["spec"] as JsonObject;
        var name = (string?)crd["metadata"]?["name"];
        if (spec is null)
        {
            errors.Add(FieldError.Required("spec"));
            return errors;
        }

        var group = (string?)spec["group"];
        var plural = (string?)spec["names"]?["plural"];
        if (string.IsNullOrEmpty(group))
        {
            errors.Add(FieldError.Required("spec.group"));
        }

        if (string.IsNullOrEmpty(plural))
        {
            errors.Add(FieldError.Required("spec.names.plural"));
        }

        if (string.IsNullOrEmpty((string?)spec["names"]?["kind"]))
        {
            errors.Add(FieldError.Required("spec.names.kind"));
        }

        if ((string?)spec["scope"] is not ("Namespaced" or "Cluster"))
        {
            errors.Add(FieldError.NotSupported("spec.scope", spec["scope"], [JsonValue.Create("Cluster"), JsonValue.Create("Namespaced")]));
        }

        if (group is not null && plural is not null && name != $"{plural}.{group}")
        {
            errors.Add(FieldError.Invalid("metadata.name", JsonValue.Create(name), $"must be spec.names.plural+\".\"+spec.group"));
        }

        if (spec["versions"] is not JsonArray { Count: > 0 } versions)
        {
            errors.Add(FieldError.Required("spec.versions"));
            return errors;
        }

        var storage = versions.Count(v => (bool?)v?["storage"] == true);
        if (storage != 1)
        {
            errors.Add(FieldError.Invalid("spec.versions", JsonValue.Create(storage), "must have exactly one version marked as storage version"));
        }

        for (var i = 0; i < versions.Count; i++)
        {
            if (string.IsNullOrEmpty((string?)versions[i]?["name"]))
            {
                errors.Add(FieldError.Required($"spec.versions[{i}].name"));
            }

            if (versions[i]?["schema"]?["openAPIV3Schema"] is not JsonObject)
            {
                errors.Add(FieldError.Required($"spec.versions[{i}].schema.openAPIV3Schema"));
            }
        }

        return errors;
    }

    public static List<ResourceType> Read(JsonObject crd)
    {
        var spec = (JsonObject)crd["spec"]!;
        var names = (JsonObject)spec["names"]!;
        var group = (string)spec["group"]!;
        var kind = (string)names["kind"]!;
        var plural = (string)names["plural"]!;
        var singular = (string?)names["singular"] ?? kind.ToLowerInvariant();
        var shortNames = Strings(names["shortNames"]);
        var categories = Strings(names["categories"]);
        var namespaced = (string?)spec["scope"] == "Namespaced";
        var result = new List<ResourceType>();
        foreach (var version in ((JsonArray)spec["versions"]!).OfType<JsonObject>())
        {
            if ((bool?)version["served"] == false)
            {
                continue;
            }

            var subresources = version["subresources"] as JsonObject;
            ScaleSubresource? scale = null;
            if (subresources?["scale"] is JsonObject scaleNode)
            {
                scale = new ScaleSubresource(
                    (string?)scaleNode["specReplicasPath"] ?? ".spec.replicas",
                    (string?)scaleNode["statusReplicasPath"] ?? ".status.replicas",
                    (string?)scaleNode["labelSelectorPath"]);
            }

            var columns = new List<PrinterColumn>();
            if (version["additionalPrinterColumns"] is JsonArray printerColumns)
            {
                foreach (var column in printerColumns.OfType<JsonObject>())
                {
                    columns.Add(new PrinterColumn(
                        (string?)column["name"] ?? string.Empty,
                        (string?)column["type"] ?? "string",
                        (string?)column["jsonPath"] ?? string.Empty,
                        (string?)column["description"] ?? string.Empty,
                        (int?)column["priority"] ?? 0,
                        (string?)column["format"] ?? string.Empty));
                }
            }
            else
            {
                columns.Add(new PrinterColumn("Age", "date", ".metadata.creationTimestamp"));
            }

            var schema = version["schema"]?["openAPIV3Schema"] is JsonObject schemaNode ? StructuralSchema.Parse(schemaNode) : null;
            result.Add(new ResourceType(
                group, (string)version["name"]!, kind, plural, singular, namespaced, shortNames, categories,
                HasStatus: subresources?["status"] is not null,
                Scale: scale,
                Schema: schema,
                PrinterColumns: columns,
                IsCustom: true));
        }

        return result;
    }

    private static List<string> Strings(JsonNode? node) =>
        node is JsonArray array ? array.Select(n => (string?)n).OfType<string>().ToList() : [];
}
