namespace Flywheel.Operator.Crds.Validation;

/// <summary>
/// One reason an object is invalid, worded like the API server's own errors so that a person sees
/// the same message offline and at <c>kubectl apply</c>: <c>spec.replicas: Invalid value: ...</c>.
/// </summary>
public sealed record FieldError(string Path, string Message)
{
    public override string ToString() => $"{Path}: {Message}";
}
