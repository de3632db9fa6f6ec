namespace Flywheel.Operator.Api.Schema;

/// <summary>The field must be present: it lands in the parent schema's <c>required</c> list.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class RequiredAttribute : Attribute;

/// <summary>Lower bound of a number (<c>minimum</c>); <see cref="Exclusive"/> makes the bound itself invalid.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class MinimumAttribute(double value) : Attribute
{
    public double Value { get; } = value;

    public bool Exclusive { get; init; }
}

/// <summary>Upper bound of a number (<c>maximum</c>); <see cref="Exclusive"/> makes the bound itself invalid.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class MaximumAttribute(double value) : Attribute
{
    public double Value { get; } = value;

    public bool Exclusive { get; init; }
}

/// <summary>A regular expression (ECMA 262, as the API server checks it) a string must match.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class PatternAttribute(string regex) : Attribute
{
    public string Regex { get; } = regex;
}

/// <summary>Bounds on a string's length; a negative value means no bound.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class LengthAttribute(int min = -1, int max = -1) : Attribute
{
    public int Min { get; } = min;

    public int Max { get; } = max;
}

/// <summary>Bounds on a list's length; a negative value means no bound.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ItemsAttribute(int min = -1, int max = -1) : Attribute
{
    public int Min { get; } = min;

    public int Max { get; } = max;
}

/// <summary>
/// The value the API server fills in when the field is absent. Enum defaults are given as the
/// enum member; the schema carries its wire name.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class DefaultAttribute(object value) : Attribute
{
    public object Value { get; } = value;
}

/// <summary>An OpenAPI <c>format</c> (for example <c>date-time</c>) beyond what the C# type implies.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class FormatAttribute(string format) : Attribute
{
    public string Format { get; } = format;
}

/// <summary>
/// A default given as JSON, for objects and lists (for example <c>{"holdoutFraction":0.2}</c>): the
/// API server fills it in only when the whole field is absent.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class DefaultJsonAttribute(string json) : Attribute
{
    public string Json { get; } = json;
}
