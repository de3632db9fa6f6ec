namespace Flywheel.ApiServer.Semantics;

/// <summary>A parsed <c>fieldSelector</c> on <c>metadata.name</c> and <c>metadata.namespace</c> (=, ==, !=).</summary>
internal sealed class FieldSelector
{
    private readonly List<(string Field, string Value, bool Equal)> _terms;

    private FieldSelector(List<(string Field, string Value, bool Equal)> terms) => _terms = terms;

    public static FieldSelector Everything { get; } = new([]);

    /// <summary>The name this selector pins, if any (lets a watch on one object skip the rest).</summary>
    public string? ExactName => _terms.FirstOrDefault(t => t.Field == "metadata.name" && t.Equal).Value;

    public bool Matches(string ns, string name) => _terms.TrueForAll(t =>
        (t.Field == "metadata.name" ? name : ns) == t.Value == t.Equal);

    public static FieldSelector Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Everything;
        }

        var terms = new List<(string, string, bool)>();
        foreach (var raw in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var notEqual = raw.IndexOf("!=", StringComparison.Ordinal);
            var equal = raw.IndexOf('=', StringComparison.Ordinal);
            string field;
            string value;
            bool isEqual;
            if (notEqual > 0)
            {
                (field, value, isEqual) = (raw[..notEqual], raw[(notEqual + 2)..], false);
            }
            else if (equal > 0)
            {
                (field, value, isEqual) = (raw[..equal], raw[(equal + 1)..].TrimStart('='), true);
            }
            else
            {
                throw new FormatException($"invalid selector: '{raw}'; can't understand '{raw}'");
            }

            field = field.Trim();
            if (field is not ("metadata.name" or "metadata.namespace"))
            {
                throw new FormatException($"field label not supported: {field}; supported: metadata.name, metadata.namespace");
            }

            terms.Add((field, value.Trim(), isEqual));
        }

        return new FieldSelector(terms);
    }
}
