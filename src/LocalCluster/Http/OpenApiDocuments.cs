using System.Text.Json.Nodes;
using Flywheel.ApiServer.Resources;

namespace Flywheel.ApiServer.Http;

/// <summary>
/// OpenAPI v3, one document per group/version. kubectl reads it to learn that PATCH takes
/// <c>fieldValidation</c> (so validation happens here, server-side), to pick merge patch for custom
/// resources, and to print <c>kubectl explain</c> from a CRD's schema.
/// </summary>
internal sealed class OpenApiDocuments(ResourceRegistry registry)
{
    private const string ObjectMetaRef = "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";

    public JsonObject Root()
    {
        var paths = new JsonObject();
        foreach (var gv in registry.All.Select(r => Prefix(r)).Distinct().OrderBy(p => p, StringComparer.Ordinal))
        {
            paths[gv] = new JsonObject { ["serverRelativeURL"] = $"/openapi/v3/{gv}?hash={Hash(gv)}" };
        }

        return new JsonObject { ["paths"] = paths };
    }

    public JsonObject? GroupVersion(string gvPath)
    {
        var types = registry.All.Where(r => Prefix(r) == gvPath.Trim('/')).ToList();
        if (types.Count == 0)
        {
            return null;
        }

        var paths = new JsonObject();
        var schemas = new JsonObject { ["io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"] = ObjectMetaSchema() };
        foreach (var type in types)
        {
            var schemaName = SchemaName(type);
            schemas[schemaName] = KindSchema(type);
            var gvk = new JsonObject { ["group"] = type.Group, ["version"] = type.Version, ["kind"] = type.Kind };
            var itemPath = type.Namespaced
                ? $"/{Prefix(type)}/namespaces/{{namespace}}/{type.Plural}/{{name}}"
                : $"/{Prefix(type)}/{type.Plural}/{{name}}";
            paths[itemPath] = new JsonObject
            {
                ["get"] = Operation("read", type, gvk, schemaName, null),
                ["put"] = Operation("replace", type, gvk, schemaName, new JsonObject { ["application/json"] = Ref(schemaName) }),
                ["patch"] = Operation("patch", type, gvk, schemaName, PatchContent()),
                ["delete"] = Operation("delete", type, gvk, schemaName, null),
            };
        }

        return new JsonObject
        {
            ["openapi"] = "3.0.0",
            ["info"] = new JsonObject { ["title"] = "Kubernetes", ["version"] = Discovery.GitVersion },
            ["paths"] = paths,
            ["components"] = new JsonObject { ["schemas"] = schemas },
        };
    }

    private string Hash(string gv) => $"{registry.Generation:X8}{(uint)StringComparer.Ordinal.GetHashCode(gv):X8}";

    private static string Prefix(ResourceType type) => type.Group.Length == 0 ? $"api/{type.Version}" : $"apis/{type.Group}/{type.Version}";

    private static string SchemaName(ResourceType type)
    {
        if (type.IsCustom)
        {
            return string.Join('.', type.Group.Split('.').Reverse()) + $".{type.Version}.{type.Kind}";
        }

        var group = type.Group.Length == 0 ? "core" : type.Group.Split('.')[0];
        return $"io.k8s.api.{group}.{type.Version}.{type.Kind}";
    }

    private static JsonObject KindSchema(ResourceType type)
    {
        var schema = type.Schema?.Source.DeepClone() as JsonObject ?? new JsonObject
        {
            ["type"] = "object",
            ["description"] = $"{type.Kind} is a built-in Kubernetes kind served by the embedded API server.",
            ["x-kubernetes-preserve-unknown-fields"] = true,
        };
        var properties = schema["properties"] as JsonObject ?? [];
        schema["properties"] = properties;
        properties["apiVersion"] = new JsonObject
        {
            ["type"] = "string",
            ["description"] = "APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values.",
        };
        properties["kind"] = new JsonObject
        {
            ["type"] = "string",
            ["description"] = "Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase.",
        };
        properties["metadata"] = new JsonObject
        {
            ["allOf"] = new JsonArray(new JsonObject { ["$ref"] = ObjectMetaRef }),
            ["description"] = "Standard object's metadata.",
        };
        schema["x-kubernetes-group-version-kind"] = new JsonArray(new JsonObject { ["group"] = type.Group, ["version"] = type.Version, ["kind"] = type.Kind });
        return schema;
    }

    /// <summary>
    /// Without strategic-merge-patch listed, kubectl computes built-in kinds' apply patches from its own
    /// compiled types and custom resources' as merge patches, which is what a cluster's CRDs get too.
    /// </summary>
    private static JsonObject PatchContent()
    {
        var content = new JsonObject
        {
            ["application/json-patch+json"] = new JsonObject { ["schema"] = new JsonObject { ["type"] = "object" } },
            ["application/merge-patch+json"] = new JsonObject { ["schema"] = new JsonObject { ["type"] = "object" } },
            ["application/apply-patch+yaml"] = new JsonObject { ["schema"] = new JsonObject { ["type"] = "object" } },
        };
        return content;
    }

    private static JsonObject Operation(string action, ResourceType type, JsonObject gvk, string schemaName, JsonObject? requestContent)
    {
        var parameters = new JsonArray(
            Parameter("name", "path"),
            Parameter("dryRun", "query"),
            Parameter("fieldManager", "query"));
        if (type.Namespaced)
        {
            parameters.Add(Parameter("namespace", "path"));
        }

        if (action is "patch" or "replace")
        {
            parameters.Add(Parameter("fieldValidation", "query"));
        }

        if (action == "patch")
        {
            parameters.Add(Parameter("force", "query", "boolean"));
        }

        var op = new JsonObject
        {
            ["operationId"] = $"{action}{type.Kind}",
            ["parameters"] = parameters,
            ["responses"] = new JsonObject
            {
                ["200"] = new JsonObject { ["description"] = "OK", ["content"] = new JsonObject { ["application/json"] = Ref(schemaName) } },
            },
            ["x-kubernetes-action"] = action == "read" ? "get" : action == "replace" ? "put" : action,
            ["x-kubernetes-group-version-kind"] = gvk.DeepClone(),
        };
        if (requestContent is not null)
        {
            op["requestBody"] = new JsonObject { ["content"] = requestContent, ["required"] = true };
        }

        return op;
    }

    private static JsonObject Parameter(string name, string location, string type = "string") => new()
    {
        ["name"] = name,
        ["in"] = location,
        ["required"] = location == "path",
        ["schema"] = new JsonObject { ["type"] = type, ["uniqueItems"] = true },
    };

    private static JsonObject Ref(string schemaName) => new() { ["schema"] = new JsonObject { ["$ref"] = $"#/components/schemas/{schemaName}" } };

    private static JsonObject ObjectMetaSchema()
    {
        static JsonObject Field(string type, string description) => new() { ["type"] = type, ["description"] = description };
        return new JsonObject
        {
            ["type"] = "object",
            ["description"] = "ObjectMeta is metadata that all persisted resources must have, which includes all objects users must create.",
            ["properties"] = new JsonObject
            {
                ["name"] = Field("string", "Name must be unique within a namespace."),
                ["generateName"] = Field("string", "GenerateName is an optional prefix, used by the server, to generate a unique name ONLY IF the Name field has not been provided."),
                ["namespace"] = Field("string", "Namespace defines the space within which each name must be unique."),
                ["uid"] = Field("string", "UID is the unique in time and space value for this object."),
                ["resourceVersion"] = Field("string", "An opaque value that represents the internal version of this object."),
                ["generation"] = Field("integer", "A sequence number representing a specific generation of the desired state."),
                ["creationTimestamp"] = Field("string", "CreationTimestamp is a timestamp representing the server time when this object was created."),
                ["deletionTimestamp"] = Field("string", "DeletionTimestamp is RFC 3339 date and time at which this resource will be deleted."),
                ["labels"] = new JsonObject { ["type"] = "object", ["additionalProperties"] = new JsonObject { ["type"] = "string" }, ["description"] = "Map of string keys and values that can be used to organize and categorize objects." },
                ["annotations"] = new JsonObject { ["type"] = "object", ["additionalProperties"] = new JsonObject { ["type"] = "string" }, ["description"] = "Annotations is an unstructured key value map stored with a resource." },
                ["finalizers"] = new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["type"] = "string" }, ["description"] = "Must be empty before the object is deleted from the registry." },
                ["ownerReferences"] = new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["type"] = "object" }, ["description"] = "List of objects depended by this object." },
            },
        };
    }
}
