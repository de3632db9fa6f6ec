using System.Text.Json;

namespace Flywheel.Operator.Builders;

/// <summary>The wire name of an API enumeration value (<c>BinaryClassification</c> → <c>binaryClassification</c>).</summary>
public static class ApiText
{
    public static string Of<TEnum>(TEnum value) where TEnum : struct, Enum =>
        JsonSerializer.Deserialize<string>(JsonSerializer.Serialize(value))!;
}
