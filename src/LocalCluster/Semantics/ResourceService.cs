using System.Text.Json.Nodes;
using Flywheel.ApiServer.Http;
using Flywheel.ApiServer.Patching;
using Flywheel.ApiServer.Resources;
using Flywheel.ApiServer.Schema;
using Flywheel.ApiServer.Storage;

namespace Flywheel.ApiServer.Semantics;

/// <summary>
/// The verbs, with the API server's semantics on top of the store: server-owned metadata, generation,
/// optimistic concurrency, status subresource, schema pruning/defaulting/validation, finalizers and
/// managed fields.
/// </summary>
internal sealed partial class ResourceService(ObjectStore store, ResourceRegistry registry, TimeProvider time)
{
    // The verbs hold the object's lock, so a conflict comes only from a writer that bypasses them, such as the garbage collector.
    private const int PatchRetries = 8;

    private readonly ObjectLocks _writeLocks = new();

    public ObjectStore Store => store;

    public ResourceRegistry Registry => registry;

    public TimeProvider Time => time;

    public JsonObject Get(ResourceType type, string ns, string name) =>
        (store.Get(type.StorageKey, ns, name) ?? throw ApiException.NotFound(type, name)).Parse().Also(o => Present(type, o));

    public JsonObject Create(ResourceType type, string ns, JsonObject body, WriteOptions options) => CreateCore(type, ns, body, options).Object;

    public WriteResult CreateCore(ResourceType type, string ns, JsonObject body, WriteOptions options, bool fromApply = false)
    {
        var warnings = new List<string>();
        CheckKind(type, body);
        var meta = ObjectMeta.Of(body);
        var bodyNs = (string?)meta["namespace"];
        if (type.Namespaced)
        {
            if (!string.IsNullOrEmpty(bodyNs) && bodyNs != ns)
            {
                throw ApiException.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
            }

            meta["namespace"] = ns;
            RequireNamespace(ns);
        }
        else
        {
            meta.Remove("namespace");
        }

        if (!string.IsNullOrEmpty((string?)meta["resourceVersion"]) && !fromApply)
        {
            throw ApiException.BadRequest("resourceVersion should not be set on objects to be created");
        }

        var name = (string?)meta["name"];
        if (string.IsNullOrEmpty(name))
        {
            var prefix = (string?)meta["generateName"];
            if (string.IsNullOrEmpty(prefix))
            {
                throw ApiException.Invalid(type, null, [new FieldError("metadata.name", "FieldValueRequired", "Required value: name or generateName is required")]);
            }

            name = ObjectMeta.GenerateName(prefix);
            meta["name"] = name;
        }

        var now = ObjectMeta.Timestamp(time.GetUtcNow());
        meta["uid"] = Guid.NewGuid().ToString();
        meta["creationTimestamp"] = now;
        meta["generation"] = 1;
        meta.Remove("deletionTimestamp");
        meta.Remove("deletionGracePeriodSeconds");
        meta.Remove("resourceVersion");
        meta.Remove("selfLink");
        if (type.HasStatus && type.IsCustom)
        {
            body.Remove("status");
        }

        BuiltinDefaults.Apply(type.StorageKey, null, body, AllocateClusterIp);
        Admit(type, null, body, options, warnings, fromApply ? "Apply" : "Update");
        if (options.DryRun)
        {
            Present(type, body);
            return new WriteResult(body, true, warnings);
        }

        StoredObject stored;
        try
        {
            stored = store.Create(type.StorageKey, body);
        }
        catch (StoreException e) when (e.Failure == StoreFailure.AlreadyExists)
        {
            throw ApiException.AlreadyExists(type, name);
        }

        AfterWrite(type, stored);
        Present(type, body);
        return new WriteResult(body, true, warnings);
    }

    /// <summary>PUT on the main resource or a subresource.</summary>
    public WriteResult Update(ResourceType type, string ns, string name, JsonObject body, string? subresource, WriteOptions options)
    {
        CheckKind(type, body);
        var bodyName = ObjectMeta.Name(body);
        if (bodyName is not null && bodyName != name)
        {
            throw ApiException.BadRequest($"the name of the object ({bodyName}) does not match the name on the URL ({name})");
        }

        var expected = ObjectMeta.ResourceVersion(body);
        using var held = _writeLocks.Enter(type.StorageKey, ns, name);
        for (var attempt = 0; ; attempt++)
        {
            var current = store.Get(type.StorageKey, ns, name) ?? throw ApiException.NotFound(type, name);
            if (expected != 0 && expected != current.ResourceVersion)
            {
                throw ApiException.Conflict(type, name);
            }

            try
            {
                return Commit(type, current, body, subresource, options, "Update");
            }
            catch (ApiException e) when (e.Code == 409 && e.Reason == "Conflict" && expected == 0 && attempt < Retries)
            {
                // An update naming no resourceVersion is unconditional: a writer outside the object's lock
                // landed between the read and the commit, so commit over the new version.
            }
        }
    }

    /// <summary>Validates and commits a new version of an existing object (the core of update, patch and apply).</summary>
    internal WriteResult Commit(ResourceType type, StoredObject current, JsonObject desired, string? subresource, WriteOptions options, string operation)
    {
        ObjectShape.Check(desired, type.Kind);
        var warnings = new List<string>();
        var before = current.Parse();
        var next = Merge(type, before, desired, subresource);
        BuiltinDefaults.Apply(type.StorageKey, before, next, AllocateClusterIp);
        var beforeFinalizers = ObjectMeta.Finalizers(before);
        var deleting = before["metadata"]?["deletionTimestamp"] is not null;
        if (deleting)
        {
            var added = ObjectMeta.Finalizers(next).Except(beforeFinalizers).ToList();
            if (added.Count > 0)
            {
                throw ApiException.Invalid(type, current.Name, [FieldError.Forbidden("metadata.finalizers", $"no new finalizers can be added if the object is being deleted, found new finalizers []string{{\"{string.Join("\", \"", added)}\"}}")]);
            }
        }

        if (ObjectMeta.SpecChanged(before, next))
        {
            ObjectMeta.Of(next)["generation"] = ((long?)before["metadata"]?["generation"] ?? 0) + 1;
        }

        Admit(type, before, next, options, warnings, operation, subresource);
        ObjectMeta.Of(next)["resourceVersion"] = current.ResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (SameIgnoringManagedTimes(before, next))
        {
            Present(type, before);
            return new WriteResult(before, false, warnings);
        }

        if (options.DryRun)
        {
            Present(type, next);
            return new WriteResult(next, false, warnings);
        }

        StoredObject stored;
        try
        {
            stored = store.Update(type.StorageKey, next, current.ResourceVersion);
        }
        catch (StoreException e) when (e.Failure == StoreFailure.Conflict)
        {
            throw ApiException.Conflict(type, current.Name);
        }
        catch (StoreException)
        {
            throw ApiException.NotFound(type, current.Name);
        }

        if (deleting && stored.Finalizers.Count == 0)
        {
            store.Delete(type.StorageKey, stored.Namespace, stored.Name, stored.ResourceVersion);
        }

        AfterWrite(type, stored);
        Present(type, next);
        return new WriteResult(next, false, warnings);
    }

    /// <summary>Keeps what the request may not change: server metadata always, status on the main resource, the rest on /status.</summary>
    private static JsonObject Merge(ResourceType type, JsonObject before, JsonObject desired, string? subresource)
    {
        JsonObject next;
        if (subresource == "status")
        {
            next = (JsonObject)before.DeepClone();
            next.Remove("status");
            if (desired["status"] is { } status)
            {
                next["status"] = status.DeepClone();
            }

            return next;
        }

        next = (JsonObject)desired.DeepClone();
        next["apiVersion"] = type.ApiVersion;
        next["kind"] = type.Kind;
        var meta = ObjectMeta.Of(next);
        var old = (JsonObject)before["metadata"]!;
        foreach (var field in new[] { "name", "namespace", "uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation" })
        {
            meta.Remove(field);
            if (old[field] is { } value)
            {
                meta[field] = value.DeepClone();
            }
        }

        if (!meta.ContainsKey("managedFields") && old["managedFields"] is { } managed)
        {
            meta["managedFields"] = managed.DeepClone();
        }

        if (type.HasStatus)
        {
            next.Remove("status");
            if (before["status"] is { } status)
            {
                next["status"] = status.DeepClone();
            }
        }

        return next;
    }

    /// <summary>Schema, kind-specific checks and managed fields for a create or update.</summary>
    private void Admit(ResourceType type, JsonObject? before, JsonObject next, WriteOptions options, List<string> warnings, string operation, string? subresource = null)
    {
        var errors = new List<FieldError>();
        var name = ObjectMeta.Name(next) ?? string.Empty;
        if (before is null && !type.Group.StartsWith("rbac", StringComparison.Ordinal) && type.Kind != "Event" && ObjectMeta.ValidateName(name, type.Kind == "Namespace") is { } nameError)
        {
            errors.Add(nameError);
        }

        if (type.Schema is { } schema)
        {
            var (pruned, schemaErrors) = SchemaProcessor.Process(next, schema);
            errors.AddRange(schemaErrors);
            if (pruned.Count > 0)
            {
                switch (options.FieldValidation)
                {
                    case "Strict":
                        throw ApiException.BadRequest($"{type.Kind} in version \"{type.Version}\" cannot be handled as a {type.Kind}: strict decoding error: {string.Join(", ", pruned.Select(p => $"unknown field \"{p}\""))}");
                    case "Warn":
                        warnings.AddRange(pruned.Select(p => $"unknown field \"{p}\""));
                        break;
                }
            }
        }

        KindRules.Admit(type, before, next, errors, time);
        if (errors.Count > 0)
        {
            throw ApiException.Invalid(type, name, errors);
        }

        ManagedFields.RecordUpdate(type, before, next, options.FieldManager ?? DefaultManager, operation, subresource, time.GetUtcNow());
    }

    private const string DefaultManager = "unknown";

    private void AfterWrite(ResourceType type, StoredObject after) => KindRules.AfterWrite(this, type, after);

    private void RequireNamespace(string ns)
    {
        var stored = store.Get("/namespaces", string.Empty, ns) ?? throw ApiException.NamespaceNotFound(ns);
        if (stored.Deleting)
        {
            throw new ApiException(403, "Forbidden", $"unable to create new content in namespace {ns} because it is being terminated", new JsonObject { ["name"] = ns, ["kind"] = "namespaces" });
        }
    }

    private static void CheckKind(ResourceType type, JsonObject body)
    {
        ObjectShape.Check(body, type.Kind);
        var kind = (string?)body["kind"];
        var apiVersion = (string?)body["apiVersion"];
        if ((kind is not null && kind != type.Kind) || (apiVersion is not null && apiVersion != type.ApiVersion && !SameGroup(type, apiVersion)))
        {
            throw ApiException.BadRequest($"the API version in the data ({apiVersion}) does not match the expected API version ({type.ApiVersion}) or the kind ({kind}) is not {type.Kind}");
        }

        body["apiVersion"] = type.ApiVersion;
        body["kind"] = type.Kind;
    }

    private static bool SameGroup(ResourceType type, string apiVersion) =>
        type.IsCustom && apiVersion.StartsWith(type.Group + "/", StringComparison.Ordinal);

    /// <summary>Objects of every version share storage; a read at one version says that version.</summary>
    internal static void Present(ResourceType type, JsonObject obj) => obj["apiVersion"] = type.ApiVersion;

    /// <summary>Whether a write changes nothing but the times in managedFields (then nothing is written).</summary>
    private static bool SameIgnoringManagedTimes(JsonObject before, JsonObject after)
    {
        if (before.Count != after.Count)
        {
            return false;
        }

        foreach (var (key, value) in before)
        {
            if (key != "metadata" && !JsonNode.DeepEquals(value, after[key]))
            {
                return false;
            }
        }

        if (before["metadata"] is not JsonObject a || after["metadata"] is not JsonObject b || a.Count != b.Count)
        {
            return false;
        }

        foreach (var (key, value) in a)
        {
            if (key == "managedFields")
            {
                if (value is not JsonArray left || b[key] is not JsonArray right || left.Count != right.Count)
                {
                    return false;
                }

                for (var i = 0; i < left.Count; i++)
                {
                    if (left[i] is not JsonObject l || right[i] is not JsonObject r || l.Count != r.Count || l.Any(p => p.Key != "time" && !JsonNode.DeepEquals(p.Value, r[p.Key])))
                    {
                        return false;
                    }
                }
            }
            else if (!JsonNode.DeepEquals(value, b[key]))
            {
                return false;
            }
        }

        return true;
    }

    internal static int Retries => PatchRetries;

    /// <summary>The next free address in 10.96.0.0/12, as the service IP allocator would hand out.</summary>
    private string AllocateClusterIp()
    {
        var used = store.List("/services", null).Items
            .Select(s => s.Parse()["spec"]?["clusterIP"]?.ToString())
            .OfType<string>()
            .ToHashSet(StringComparer.Ordinal);
        for (var n = 10; ; n++)
        {
            var ip = $"10.96.{n / 250}.{(n % 250) + 1}";
            if (!used.Contains(ip))
            {
                return ip;
            }
        }
    }
}

internal static class FluentExtensions
{
    public static T Also<T>(this T value, Action<T> action)
    {
        action(value);
        return value;
    }
}
