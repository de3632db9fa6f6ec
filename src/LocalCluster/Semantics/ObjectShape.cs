using System.Text.Json.Nodes;
using Flywheel.ApiServer.Http;

namespace Flywheel.ApiServer.Semantics;

/// <summary>
/// The shape every object must have before anything reads it: metadata an object, its names strings, labels
/// and annotations maps of strings, finalizers a list of strings. A mismatch is a 400 that names the field.
/// </summary>
internal static class ObjectShape
{
    public static void Check(JsonObject obj, string kind)
    {
        foreach (var field in new[] { "apiVersion", "kind" })
        {
            if (obj[field] is { } value && !IsString(value))
            {
                throw Wrong(kind, field, value, "string");
            }
        }

        if (obj["metadata"] is not { } metadata)
        {
            return;
        }

        if (metadata is not JsonObject meta)
        {
            throw Wrong(kind, "metadata", metadata, "object");
        }

        foreach (var field in new[] { "name", "generateName", "namespace", "uid", "resourceVersion", "creationTimestamp", "deletionTimestamp" })
        {
            if (meta[field] is { } value && !IsString(value))
            {
                throw Wrong(kind, $"metadata.{field}", value, "string");
            }
        }

        foreach (var map in new[] { "labels", "annotations" })
        {
            switch (meta[map])
            {
                case null:
                    break;
                case JsonObject entries:
                    foreach (var (key, value) in entries)
                    {
                        if (value is not null && !IsString(value))
                        {
                            throw Wrong(kind, $"metadata.{map}.{key}", value, "string");
                        }
                    }

                    break;
                case var other:
                    throw Wrong(kind, $"metadata.{map}", other, "map of strings");
            }
        }

        switch (meta["finalizers"])
        {
            case null:
                break;
            case JsonArray list when list.All(f => f is not null && IsString(f)):
                break;
            case var other:
                throw Wrong(kind, "metadata.finalizers", other, "list of strings");
        }

        if (meta["ownerReferences"] is { } owners && (owners is not JsonArray refs || refs.Any(r => r is not JsonObject o || o["uid"] is not JsonValue)))
        {
            throw Wrong(kind, "metadata.ownerReferences", owners, "list of {apiVersion, kind, name, uid}");
        }
    }

    private static bool IsString(JsonNode node) => node is JsonValue v && v.TryGetValue<string>(out _);

    private static ApiException Wrong(string kind, string field, JsonNode value, string expected) =>
        ApiException.BadRequest($"{kind} in the request cannot be decoded: {field} must be a {expected}, got {value.ToJsonString()}");
}
