namespace Flywheel.Operator.Api.Schema;

/// <summary>
/// A CEL rule (<c>x-kubernetes-validations</c>) the API server evaluates at admission, with
/// <c>self</c> bound to the annotated object or field. Used where a rule spans fields.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Property, AllowMultiple = true)]
public sealed class XValidationAttribute(string rule, string message) : Attribute
{
    public string Rule { get; } = rule;

    public string Message { get; } = message;

    /// <summary>Path relative to <c>self</c> that the error is reported on (for example <c>.maxReplicas</c>).</summary>
    public string? FieldPath { get; init; }
}

/// <summary>
/// The field keeps whatever the user wrote (<c>x-kubernetes-preserve-unknown-fields</c>): for
/// values whose type varies, such as hyperparameter values that may be numbers or strings.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Class)]
public sealed class PreserveUnknownFieldsAttribute : Attribute;

/// <summary>
/// A list whose items are identified by the given keys (<c>x-kubernetes-list-type: map</c>), so
/// that server-side apply merges items by key instead of replacing the list.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ListMapAttribute(params string[] keys) : Attribute
{
    public IReadOnlyList<string> Keys { get; } = keys;
}

/// <summary>A list of unique scalars (<c>x-kubernetes-list-type: set</c>).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ListSetAttribute : Attribute;
