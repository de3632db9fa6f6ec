using System.Text;
using System.Text.Json.Nodes;

namespace Flywheel.ApiServer.Protobuf;

/// <summary>
/// Decodes the Kubernetes protobuf envelope (<c>k8s\0</c> + runtime.Unknown) for the built-in kinds that
/// kubectl's and helm's typed clients send as protobuf (Secret, ConfigMap, Namespace, ServiceAccount, the RBAC
/// roles and bindings, and the DeleteOptions of typed deletes), into the JSON the rest of the server works with. Field numbers follow
/// the upstream generated.proto files.
/// </summary>
internal static class KubeProtobuf
{
    private static readonly byte[] Magic = [0x6b, 0x38, 0x73, 0x00];

    private static readonly Message Time = new("Time", []);

    private static readonly Message OwnerReference = new("OwnerReference", new()
    {
        [1] = new("kind", Kind.String),
        [3] = new("name", Kind.String),
        [4] = new("uid", Kind.String),
        [5] = new("apiVersion", Kind.String),
        [6] = new("controller", Kind.Bool),
        [7] = new("blockOwnerDeletion", Kind.Bool),
    });

    private static readonly Message ManagedFieldsEntry = new("ManagedFieldsEntry", new()
    {
        [1] = new("manager", Kind.String),
        [2] = new("operation", Kind.String),
        [3] = new("apiVersion", Kind.String),
        [4] = new("time", Kind.Time),
        [6] = new("fieldsType", Kind.String),
        [7] = new("fieldsV1", Kind.RawJsonMessage),
        [8] = new("subresource", Kind.String),
    });

    private static readonly Message ObjectMeta = new("ObjectMeta", new()
    {
        [1] = new("name", Kind.String),
        [2] = new("generateName", Kind.String),
        [3] = new("namespace", Kind.String),
        [4] = new("selfLink", Kind.String),
        [5] = new("uid", Kind.String),
        [6] = new("resourceVersion", Kind.String),
        [7] = new("generation", Kind.Int),
        [8] = new("creationTimestamp", Kind.Time),
        [9] = new("deletionTimestamp", Kind.Time),
        [10] = new("deletionGracePeriodSeconds", Kind.Int),
        [11] = new("labels", Kind.MapString),
        [12] = new("annotations", Kind.MapString),
        [13] = new("ownerReferences", Kind.Message, OwnerReference, Repeated: true),
        [14] = new("finalizers", Kind.String, Repeated: true),
        [17] = new("managedFields", Kind.Message, ManagedFieldsEntry, Repeated: true),
    });

    private static readonly Message LocalObjectReference = new("LocalObjectReference", new() { [1] = new("name", Kind.String) });

    private static readonly Message ObjectReference = new("ObjectReference", new()
    {
        [1] = new("kind", Kind.String),
        [2] = new("namespace", Kind.String),
        [3] = new("name", Kind.String),
        [4] = new("uid", Kind.String),
        [5] = new("apiVersion", Kind.String),
        [6] = new("resourceVersion", Kind.String),
        [7] = new("fieldPath", Kind.String),
    });

    private static readonly Message PolicyRule = new("PolicyRule", new()
    {
        [1] = new("verbs", Kind.String, Repeated: true),
        [2] = new("apiGroups", Kind.String, Repeated: true),
        [3] = new("resources", Kind.String, Repeated: true),
        [4] = new("resourceNames", Kind.String, Repeated: true),
        [5] = new("nonResourceURLs", Kind.String, Repeated: true),
    });

    private static readonly Message Subject = new("Subject", new()
    {
        [1] = new("kind", Kind.String),
        [2] = new("apiGroup", Kind.String),
        [3] = new("name", Kind.String),
        [4] = new("namespace", Kind.String),
    });

    private static readonly Message RoleRef = new("RoleRef", new()
    {
        [1] = new("apiGroup", Kind.String),
        [2] = new("kind", Kind.String),
        [3] = new("name", Kind.String),
    });

    private static readonly Message Role = new("Role", new()
    {
        [1] = new("metadata", Kind.Message, ObjectMeta),
        [2] = new("rules", Kind.Message, PolicyRule, Repeated: true),
    });

    private static readonly Message Binding = new("RoleBinding", new()
    {
        [1] = new("metadata", Kind.Message, ObjectMeta),
        [2] = new("subjects", Kind.Message, Subject, Repeated: true),
        [3] = new("roleRef", Kind.Message, RoleRef),
    });

    private static readonly Dictionary<string, Message> Kinds = new(StringComparer.Ordinal)
    {
        ["Role"] = Role,
        ["ClusterRole"] = Role,
        ["RoleBinding"] = Binding,
        ["ClusterRoleBinding"] = Binding,
        ["Secret"] = new("Secret", new()
        {
            [1] = new("metadata", Kind.Message, ObjectMeta),
            [2] = new("data", Kind.MapBytes),
            [3] = new("type", Kind.String),
            [4] = new("stringData", Kind.MapString),
            [5] = new("immutable", Kind.Bool),
        }),
        ["ConfigMap"] = new("ConfigMap", new()
        {
            [1] = new("metadata", Kind.Message, ObjectMeta),
            [2] = new("data", Kind.MapString),
            [3] = new("binaryData", Kind.MapBytes),
            [4] = new("immutable", Kind.Bool),
        }),
        ["Namespace"] = new("Namespace", new()
        {
            [1] = new("metadata", Kind.Message, ObjectMeta),
            [2] = new("spec", Kind.Message, new Message("NamespaceSpec", new() { [1] = new("finalizers", Kind.String, Repeated: true) })),
            [3] = new("status", Kind.Message, new Message("NamespaceStatus", new() { [1] = new("phase", Kind.String) })),
        }),
        ["ServiceAccount"] = new("ServiceAccount", new()
        {
            [1] = new("metadata", Kind.Message, ObjectMeta),
            [2] = new("secrets", Kind.Message, ObjectReference, Repeated: true),
            [3] = new("imagePullSecrets", Kind.Message, LocalObjectReference, Repeated: true),
            [4] = new("automountServiceAccountToken", Kind.Bool),
        }),
        ["DeleteOptions"] = new("DeleteOptions", new()
        {
            [1] = new("gracePeriodSeconds", Kind.Int),
            [2] = new("preconditions", Kind.Message, new Message("Preconditions", new() { [1] = new("uid", Kind.String), [2] = new("resourceVersion", Kind.String) })),
            [3] = new("orphanDependents", Kind.Bool),
            [4] = new("propagationPolicy", Kind.String),
            [5] = new("dryRun", Kind.String, Repeated: true),
        }),
    };

    public static bool IsProtobuf(string? contentType) => contentType?.Contains("application/vnd.kubernetes.protobuf", StringComparison.Ordinal) == true;

    /// <summary>Decodes an envelope into a JSON object; a kind without a decoder gets a 415 that names it.</summary>
    public static JsonObject Decode(ReadOnlySpan<byte> body)
    {
        if (body.Length < 4 || !body[..4].SequenceEqual(Magic))
        {
            throw new FormatException("protobuf body does not start with the k8s envelope");
        }

        var reader = new ProtoReader(body[4..]);
        string? apiVersion = null;
        string? kind = null;
        byte[] raw = [];
        while (!reader.End)
        {
            var (field, wire) = reader.ReadTag();
            switch (field)
            {
                case 1 when wire == 2:
                    var typeMeta = new ProtoReader(reader.ReadBytes());
                    while (!typeMeta.End)
                    {
                        var (f, w) = typeMeta.ReadTag();
                        if (f == 1 && w == 2)
                        {
                            apiVersion = Encoding.UTF8.GetString(typeMeta.ReadBytes());
                        }
                        else if (f == 2 && w == 2)
                        {
                            kind = Encoding.UTF8.GetString(typeMeta.ReadBytes());
                        }
                        else
                        {
                            typeMeta.Skip(w);
                        }
                    }

                    break;
                case 2 when wire == 2:
                    raw = reader.ReadBytes().ToArray();
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        if (kind is null || !Kinds.TryGetValue(kind, out var message))
        {
            throw new NotSupportedException(kind ?? "(no kind)");
        }

        var result = ReadMessage(raw, message);
        result.Insert(0, "apiVersion", apiVersion);
        result.Insert(1, "kind", kind);
        return result;
    }

    private static JsonObject ReadMessage(ReadOnlySpan<byte> data, Message message)
    {
        var obj = new JsonObject();
        var reader = new ProtoReader(data);
        while (!reader.End)
        {
            var (number, wire) = reader.ReadTag();
            if (!message.Fields.TryGetValue(number, out var field))
            {
                reader.Skip(wire);
                continue;
            }

            var value = ReadValue(ref reader, field, wire);
            if (field.Kind is Kind.MapString or Kind.MapBytes)
            {
                var map = obj[field.Name] as JsonObject ?? [];
                obj[field.Name] = map;
                var (key, entry) = ((string, JsonNode?))value!;
                map[key] = entry;
            }
            else if (field.Repeated)
            {
                var list = obj[field.Name] as JsonArray ?? [];
                obj[field.Name] = list;
                list.Add((JsonNode?)value);
            }
            else if (!IsZero(value))
            {
                obj[field.Name] = (JsonNode?)value;
            }
        }

        return obj;
    }

    /// <summary>Go's omitempty: empty strings, zero numbers and false are left out of the JSON.</summary>
    private static bool IsZero(object? value) => value is JsonValue v &&
        ((v.TryGetValue<string>(out var s) && s.Length == 0) || (v.TryGetValue<long>(out var n) && n == 0) || (v.TryGetValue<bool>(out var b) && !b));

    private static object? ReadValue(ref ProtoReader reader, Field field, int wire)
    {
        switch (field.Kind)
        {
            case Kind.String:
                return JsonValue.Create(Encoding.UTF8.GetString(reader.ReadBytes()));
            case Kind.Int:
                return JsonValue.Create((long)reader.ReadVarint());
            case Kind.Bool:
                return JsonValue.Create(reader.ReadVarint() != 0);
            case Kind.Message:
                return ReadMessage(reader.ReadBytes(), field.Type!);
            case Kind.RawJsonMessage:
                {
                    var inner = new ProtoReader(reader.ReadBytes());
                    JsonNode? raw = null;
                    while (!inner.End)
                    {
                        var (f, w) = inner.ReadTag();
                        if (f == 1 && w == 2)
                        {
                            raw = JsonNode.Parse(inner.ReadBytes());
                        }
                        else
                        {
                            inner.Skip(w);
                        }
                    }

                    return raw;
                }

            case Kind.Time:
                {
                    var inner = new ProtoReader(reader.ReadBytes());
                    long seconds = 0;
                    while (!inner.End)
                    {
                        var (f, w) = inner.ReadTag();
                        if (f == 1 && w == 0)
                        {
                            seconds = (long)inner.ReadVarint();
                        }
                        else
                        {
                            inner.Skip(w);
                        }
                    }

                    return JsonValue.Create(Semantics.ObjectMeta.Timestamp(DateTimeOffset.FromUnixTimeSeconds(seconds)));
                }

            case Kind.MapString:
            case Kind.MapBytes:
                {
                    var inner = new ProtoReader(reader.ReadBytes());
                    var key = string.Empty;
                    JsonNode? value = field.Kind == Kind.MapString ? JsonValue.Create(string.Empty) : JsonValue.Create(string.Empty);
                    while (!inner.End)
                    {
                        var (f, w) = inner.ReadTag();
                        if (f == 1 && w == 2)
                        {
                            key = Encoding.UTF8.GetString(inner.ReadBytes());
                        }
                        else if (f == 2 && w == 2)
                        {
                            var bytes = inner.ReadBytes();
                            value = field.Kind == Kind.MapString ? JsonValue.Create(Encoding.UTF8.GetString(bytes)) : JsonValue.Create(Convert.ToBase64String(bytes));
                        }
                        else
                        {
                            inner.Skip(w);
                        }
                    }

                    return (key, value);
                }

            default:
                reader.Skip(wire);
                return null;
        }
    }

    private enum Kind
    {
        String,
        Int,
        Bool,
        Message,
        RawJsonMessage,
        Time,
        MapString,
        MapBytes,
    }

    private sealed record Field(string Name, Kind Kind, Message? Type = null, bool Repeated = false);

    private sealed record Message(string Name, Dictionary<int, Field> Fields);
}
