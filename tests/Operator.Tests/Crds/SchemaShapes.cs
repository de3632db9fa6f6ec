using System.Text.Json;
using System.Text.Json.Serialization;
using Flywheel.Operator.Api.Schema;
using k8s.Models;

namespace Flywheel.Operator.Tests.Crds;

// C# shapes the generator must map; their XML docs are the descriptions the tests expect.

/// <summary>A shape with one of everything.</summary>
[XValidation("self.low <= self.high", "low must not exceed high", FieldPath = ".low")]
public sealed class Shapes
{
    /// <summary>A bounded name.</summary>
    [Required]
    [Length(1, 63)]
    [Pattern("^[a-z]+$")]
    public string Name { get; set; } = string.Empty;

    /// <summary>A count with a default.</summary>
    [Default(3)]
    [Minimum(1)]
    [Maximum(10)]
    public int? Count { get; set; }

    /// <summary>A strictly positive fraction.</summary>
    [Minimum(0, Exclusive = true)]
    [Maximum(1, Exclusive = true)]
    public double? Fraction { get; set; }

    /// <summary>A big number.</summary>
    public long? Big { get; set; }

    /// <summary>A switch.</summary>
    [Default(true)]
    public bool? Enabled { get; set; }

    /// <summary>A colour.</summary>
    [Default(Crds.Colour.DarkRed)]
    public Colour? Colour { get; set; }

    /// <summary>Keyed items.</summary>
    [ListMap("key")]
    [Items(1, 5)]
    public List<Keyed>? Items { get; set; }

    /// <summary>Unique tags.</summary>
    [ListSet]
    public List<string>? Tags { get; set; }

    /// <summary>Labels.</summary>
    [Items(0, 8)]
    public Dictionary<string, string>? Labels { get; set; }

    /// <summary>Anything.</summary>
    public JsonElement? Anything { get; set; }

    /// <summary>Memory.</summary>
    public ResourceQuantity? Memory { get; set; }

    /// <summary>Surge.</summary>
    public IntOrString? Surge { get; set; }

    /// <summary>A time.</summary>
    public DateTimeOffset? When { get; set; }

    /// <summary>Nested with a default.</summary>
    [DefaultJson("{\"low\":1}")]
    public Keyed? Nested { get; set; }

    /// <summary>Low end.</summary>
    public int Low { get; set; }

    /// <summary>High end.</summary>
    public int High { get; set; }

    /// <summary>A URI.</summary>
    [XValidation("self.startsWith('s3://')", "must be an s3:// URI")]
    public string? Uri { get; set; }

    [JsonPropertyName("renamed_field")]
    public string? Renamed { get; set; }

    [JsonIgnore]
    public string Ignored => Name;
}

/// <summary>An item with a key.</summary>
public sealed class Keyed
{
    /// <summary>The key.</summary>
    [Required]
    public string Key { get; set; } = string.Empty;

    /// <summary>A low value.</summary>
    public int? Low { get; set; }
}

/// <summary>Colours.</summary>
public enum Colour
{
    [JsonStringEnumMemberName("red")]
    Red,

    [JsonStringEnumMemberName("darkRed")]
    DarkRed,
}

public enum Unnamed
{
    Plain,
}

public sealed class WithUnnamedEnum
{
    public Unnamed? Value { get; set; }
}

public sealed class WithOptionalListKey
{
    [ListMap("name")]
    public List<OptionalName>? Items { get; set; }
}

public sealed class OptionalName
{
    public string? Name { get; set; }
}
