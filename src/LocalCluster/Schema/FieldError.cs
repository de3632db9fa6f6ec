using System.Text.Json.Nodes;

namespace Flywheel.ApiServer.Schema;

/// <summary>
/// One invalid field, worded as the Kubernetes API server words it so that kubectl prints the same line:
/// <c>spec.replicas: Invalid value: -1: spec.replicas in body should be greater than or equal to 0</c>.
/// </summary>
internal sealed record FieldError(string Field, string Reason, string Detail)
{
    public override string ToString() => $"{Field}: {Detail}";

    public static FieldError Required(string field) => new(field, "FieldValueRequired", "Required value");

    public static FieldError Invalid(string field, JsonNode? value, string why) =>
        new(field, "FieldValueInvalid", $"Invalid value: {Render(value)}: {why}");

    public static FieldError TypeInvalid(string field, JsonNode? value, string why) =>
        new(field, "FieldValueTypeInvalid", $"Invalid value: {Render(value)}: {why}");

    public static FieldError NotSupported(string field, JsonNode? value, IEnumerable<JsonNode?> supported) =>
        new(field, "FieldValueNotSupported", $"Unsupported value: {Render(value)}: supported values: {string.Join(", ", supported.Select(Render))}");

    public static FieldError Forbidden(string field, string why) => new(field, "FieldValueForbidden", $"Forbidden: {why}");

    public static string Render(JsonNode? value) => value switch
    {
        null => "null",
        JsonValue v when v.TryGetValue<string>(out var text) => $"\"{text}\"",
        JsonObject => "\"object\"",
        JsonArray => "\"array\"",
        _ => value.ToJsonString(),
    };
}
