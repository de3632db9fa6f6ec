namespace Flywheel.ApiServer.Semantics;

/// <summary>
/// A parsed <c>labelSelector</c>: <c>a=b</c>, <c>a==b</c>, <c>a!=b</c>, <c>a in (x,y)</c>, <c>a notin (x)</c>,
/// <c>a</c> (exists) and <c>!a</c> (does not exist), comma-separated and all required.
/// </summary>
internal sealed class LabelSelector
{
    private readonly List<Func<IReadOnlyDictionary<string, string>, bool>> _requirements;

    private LabelSelector(List<Func<IReadOnlyDictionary<string, string>, bool>> requirements) => _requirements = requirements;

    public static LabelSelector Everything { get; } = new([]);

    public bool Matches(IReadOnlyDictionary<string, string> labels) => _requirements.TrueForAll(r => r(labels));

    /// <summary>Parses a selector; throws <see cref="FormatException"/> with the offending part.</summary>
    public static LabelSelector Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Everything;
        }

        var requirements = new List<Func<IReadOnlyDictionary<string, string>, bool>>();
        foreach (var part in SplitTopLevel(text))
        {
            var term = part.Trim();
            if (term.Length == 0)
            {
                continue;
            }

            requirements.Add(ParseTerm(term));
        }

        return new LabelSelector(requirements);
    }

    private static Func<IReadOnlyDictionary<string, string>, bool> ParseTerm(string term)
    {
        var words = term.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length >= 2 && (words[1] == "in" || words[1] == "notin"))
        {
            var key = words[0];
            var open = term.IndexOf('(', StringComparison.Ordinal);
            var close = term.LastIndexOf(')');
            if (open < 0 || close < open)
            {
                throw new FormatException($"unable to parse requirement: \"{term}\": expected a parenthesised value list");
            }

            var values = term[(open + 1)..close].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
            return words[1] == "in"
                ? labels => labels.TryGetValue(key, out var v) && values.Contains(v)
                : labels => !labels.TryGetValue(key, out var v) || !values.Contains(v);
        }

        var notEqual = term.IndexOf("!=", StringComparison.Ordinal);
        if (notEqual > 0)
        {
            var key = term[..notEqual].Trim();
            var value = term[(notEqual + 2)..].Trim();
            return labels => !labels.TryGetValue(key, out var v) || v != value;
        }

        var equal = term.IndexOf('=', StringComparison.Ordinal);
        if (equal > 0)
        {
            var key = term[..equal].Trim();
            var value = term[(equal + 1)..].TrimStart('=').Trim();
            return labels => labels.TryGetValue(key, out var v) && v == value;
        }

        if (term.StartsWith('!'))
        {
            var key = term[1..].Trim();
            return labels => !labels.ContainsKey(key);
        }

        if (term.Any(c => c is ' ' or '(' or ')'))
        {
            throw new FormatException($"unable to parse requirement: \"{term}\"");
        }

        return labels => labels.ContainsKey(term);
    }

    private static IEnumerable<string> SplitTopLevel(string text)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '(':
                    depth++;
                    break;
                case ')':
                    depth--;
                    break;
                case ',' when depth == 0:
                    yield return text[start..i];
                    start = i + 1;
                    break;
            }
        }

        yield return text[start..];
    }
}
