using System.Text.Json.Nodes;
using Flywheel.ApiServer.Resources;
using Flywheel.ApiServer.Schema;
using Flywheel.ApiServer.Storage;

namespace Flywheel.ApiServer.Semantics;

/// <summary>What particular kinds add to the generic verbs: CRDs start serving, namespaces get a phase.</summary>
internal static class KindRules
{
    private const string CrdStorageKey = "apiextensions.k8s.io/customresourcedefinitions";

    public static void Admit(ResourceType type, JsonObject? before, JsonObject next, List<FieldError> errors, TimeProvider time)
    {
        if (type.StorageKey == CrdStorageKey)
        {
            var crdErrors = CrdReader.Validate(next);
            errors.AddRange(crdErrors);
            if (crdErrors.Count == 0)
            {
                next["status"] = CrdStatus(next, ObjectMeta.Timestamp(time.GetUtcNow()), before?["status"] as JsonObject);
            }
        }
        else if (type.StorageKey == "/secrets" && next["stringData"] is JsonObject stringData)
        {
            // The API server folds stringData into data (base64) on every write and never stores it.
            var data = next["data"] as JsonObject ?? [];
            foreach (var (key, value) in stringData)
            {
                data[key] = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes((string?)value ?? string.Empty));
            }

            next["data"] = data;
            next.Remove("stringData");
        }
        else if (type.StorageKey == "/namespaces" && before is null)
        {
            next["spec"] = new JsonObject { ["finalizers"] = new JsonArray("kubernetes") };
            next["status"] = new JsonObject { ["phase"] = "Active" };
            var labels = next["metadata"]!["labels"] as JsonObject ?? [];
            labels["kubernetes.io/metadata.name"] = ObjectMeta.Name(next);
            next["metadata"]!["labels"] = labels;
        }
    }

    public static void AfterWrite(ResourceService service, ResourceType type, StoredObject after)
    {
        if (type.StorageKey != CrdStorageKey)
        {
            return;
        }

        var crd = after.Parse();
        if (ObjectMeta.ResourceVersion(crd) != 0 && service.Store.Get(CrdStorageKey, string.Empty, after.Name) is null)
        {
            Unregister(service, crd, after.Name);
            return;
        }

        Register(service.Registry, crd);
    }

    public static void Register(ResourceRegistry registry, JsonObject crd)
    {
        if (CrdReader.Validate(crd).Count == 0)
        {
            registry.SetCrd(ObjectMeta.Name(crd)!, CrdReader.Read(crd));
        }
    }

    private static void Unregister(ResourceService service, JsonObject crd, string name)
    {
        var group = (string?)crd["spec"]?["group"];
        var plural = (string?)crd["spec"]?["names"]?["plural"];
        service.Registry.RemoveCrd(name);
        var key = $"{group}/{plural}";
        foreach (var item in service.Store.List(key, null).Items)
        {
            try
            {
                service.Store.Delete(key, item.Namespace, item.Name, item.ResourceVersion);
            }
            catch (StoreException)
            {
                // Already gone or changed concurrently; a CRD delete removes what is left either way.
            }
        }
    }

    private static JsonObject CrdStatus(JsonObject crd, string now, JsonObject? previous)
    {
        var names = crd["spec"]!["names"]!.DeepClone();
        if (names is JsonObject nameObject && nameObject["singular"] is null)
        {
            nameObject["singular"] = ((string?)nameObject["kind"])?.ToLowerInvariant();
        }

        var stored = new JsonArray();
        foreach (var version in ((JsonArray)crd["spec"]!["versions"]!).OfType<JsonObject>().Where(v => (bool?)v["storage"] == true))
        {
            stored.Add((string?)version["name"]);
        }

        var time = previous?["conditions"]?[0]?["lastTransitionTime"]?.DeepClone() ?? now;
        return new JsonObject
        {
            ["acceptedNames"] = names,
            ["conditions"] = new JsonArray(
                Condition("NamesAccepted", "NoConflicts", "no conflicts found", time.DeepClone()),
                Condition("Established", "InitialNamesAccepted", "the initial names have been accepted", time.DeepClone())),
            ["storedVersions"] = stored,
        };
    }

    private static JsonObject Condition(string type, string reason, string message, JsonNode time) => new()
    {
        ["type"] = type,
        ["status"] = "True",
        ["lastTransitionTime"] = time,
        ["reason"] = reason,
        ["message"] = message,
    };
}
