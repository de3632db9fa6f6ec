using System.Text.Json;
using System.Text.Json.Nodes;

namespace Flywheel.Operator.Crds.Validation;

/// <summary>Reads numbers from JSON nodes whatever CLR value backs them (parsed text, long, int, double).</summary>
internal static class JsonNumbers
{
    public static double ToDouble(JsonNode node)
    {
        var value = node.AsValue();
        if (value.TryGetValue<JsonElement>(out var element))
        {
            return element.GetDouble();
        }

        if (value.TryGetValue<double>(out var d))
        {
            return d;
        }

        if (value.TryGetValue<long>(out var l))
        {
            return l;
        }

        if (value.TryGetValue<int>(out var i))
        {
            return i;
        }

        return value.TryGetValue<float>(out var f) ? f : throw new InvalidOperationException($"{node.ToJsonString()} is not a number");
    }

    /// <summary>The integer value when the number is whole, else null.</summary>
    public static long? ToInteger(JsonNode node)
    {
        var d = ToDouble(node);
        return Math.Floor(d) == d && Math.Abs(d) < 9.2e18 ? (long)d : null;
    }
}
