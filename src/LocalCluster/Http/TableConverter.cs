using System.Globalization;
using System.Text.Json.Nodes;
using Flywheel.ApiServer.Resources;

namespace Flywheel.ApiServer.Http;

/// <summary>
/// <c>meta.k8s.io/v1 Table</c> output: Name, then a CRD's additionalPrinterColumns (or Age), cells formatted
/// as the API server formats them (dates as ages) so that <c>kubectl get</c> prints what a cluster would.
/// </summary>
internal static class TableConverter
{
    public static JsonObject Convert(ResourceType type, IEnumerable<JsonObject> objects, string? resourceVersion, string includeObject, DateTimeOffset now, string? continueToken = null)
    {
        var columns = Columns(type);
        var definitions = new JsonArray
        {
            new JsonObject { ["name"] = "Name", ["type"] = "string", ["format"] = "name", ["description"] = "Name must be unique within a namespace.", ["priority"] = 0 },
        };
        foreach (var column in columns)
        {
            definitions.Add(new JsonObject
            {
                ["name"] = column.Name,
                ["type"] = column.Type,
                ["format"] = column.Format,
                ["description"] = column.Description,
                ["priority"] = column.Priority,
            });
        }

        var rows = new JsonArray();
        foreach (var obj in objects)
        {
            var cells = new JsonArray { (string?)obj["metadata"]?["name"] };
            foreach (var column in columns)
            {
                cells.Add(Cell(obj, column, now));
            }

            var row = new JsonObject { ["cells"] = cells };
            row["object"] = includeObject switch
            {
                "None" => null,
                "Object" => obj.DeepClone(),
                _ => new JsonObject
                {
                    ["kind"] = "PartialObjectMetadata",
                    ["apiVersion"] = "meta.k8s.io/v1",
                    ["metadata"] = obj["metadata"]?.DeepClone(),
                },
            };
            rows.Add(row);
        }

        var meta = new JsonObject { ["resourceVersion"] = resourceVersion };
        if (continueToken is not null)
        {
            meta["continue"] = continueToken;
        }

        return new JsonObject
        {
            ["kind"] = "Table",
            ["apiVersion"] = "meta.k8s.io/v1",
            ["metadata"] = meta,
            ["columnDefinitions"] = definitions,
            ["rows"] = rows,
        };
    }

    private static IReadOnlyList<PrinterColumn> Columns(ResourceType type)
    {
        if (type.PrinterColumns is { } custom)
        {
            return custom;
        }

        return type.Kind switch
        {
            "Namespace" => [new("Status", "string", ".status.phase"), Age],
            "Secret" => [new("Type", "string", ".type"), new("Data", "integer", "#count:.data"), Age],
            "ConfigMap" => [new("Data", "integer", "#count:.data+.binaryData"), Age],
            "Deployment" => [new("Ready", "string", "#ready"), new("Up-to-date", "integer", ".status.updatedReplicas"), new("Available", "integer", ".status.availableReplicas"), Age],
            "CustomResourceDefinition" => [new("Created At", "date", ".metadata.creationTimestamp") { Format = "date-time" }],
            _ => [Age],
        };
    }

    private static PrinterColumn Age { get; } = new("Age", "date", ".metadata.creationTimestamp", "CreationTimestamp is a timestamp representing the server time when this object was created.");

    private static JsonNode? Cell(JsonObject obj, PrinterColumn column, DateTimeOffset now)
    {
        if (column.JsonPath.StartsWith("#count:", StringComparison.Ordinal))
        {
            return column.JsonPath[7..].Split('+').Sum(p => JsonPathLite.First(obj, p) is JsonObject o ? o.Count : 0);
        }

        if (column.JsonPath == "#ready")
        {
            return $"{(long?)obj["status"]?["readyReplicas"] ?? 0}/{(long?)obj["spec"]?["replicas"] ?? 1}";
        }

        var value = JsonPathLite.First(obj, column.JsonPath);
        if (value is null)
        {
            return null;
        }

        switch (column.Type)
        {
            case "date" when column.Format != "date-time":
                return value is JsonValue v && v.TryGetValue<string>(out var text) && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
                    ? HumanDuration(now - at)
                    : "<unknown>";
            case "string":
                return value is JsonValue sv && sv.TryGetValue<string>(out var s) ? s : value.ToJsonString();
            case "integer":
            case "number":
            case "boolean":
                return value.DeepClone();
            default:
                return value is JsonValue dv && dv.TryGetValue<string>(out var d) ? d : value.ToJsonString();
        }
    }

    /// <summary>kubectl's age format (k8s.io/apimachinery duration.HumanDuration).</summary>
    public static string HumanDuration(TimeSpan d)
    {
        var seconds = (long)d.TotalSeconds;
        if (seconds < -1)
        {
            return "<invalid>";
        }

        if (seconds < 0)
        {
            return "0s";
        }

        if (seconds < 120)
        {
            return $"{seconds}s";
        }

        var minutes = (long)d.TotalMinutes;
        if (minutes < 10)
        {
            var s = seconds % 60;
            return s == 0 ? $"{minutes}m" : $"{minutes}m{s}s";
        }

        if (minutes < 180)
        {
            return $"{minutes}m";
        }

        var hours = (long)d.TotalHours;
        if (hours < 8)
        {
            var m = minutes % 60;
            return m == 0 ? $"{hours}h" : $"{hours}h{m}m";
        }

        if (hours < 48)
        {
            return $"{hours}h";
        }

        if (hours < 24 * 8)
        {
            var h = hours % 24;
            return h == 0 ? $"{hours / 24}d" : $"{hours / 24}d{h}h";
        }

        if (hours < 24 * 365 * 2)
        {
            return $"{hours / 24}d";
        }

        if (hours < 24 * 365 * 8)
        {
            var dy = hours / 24 % 365;
            return dy == 0 ? $"{hours / 24 / 365}y" : $"{hours / 24 / 365}y{dy}d";
        }

        return $"{hours / 24 / 365}y";
    }
}
