using System.Globalization;
using System.Text.RegularExpressions;

namespace Flywheel.Operator.Builders;

/// <summary>Parses the Go-style durations the API takes (<c>30s</c>, <c>5m</c>, <c>1h30m</c>, <c>250ms</c>).</summary>
public static partial class Durations
{
    public static TimeSpan Parse(string text, string field)
    {
        if (!TryParse(text, out var value))
        {
            throw new FormatException($"{field}: \"{text}\" is not a duration; write it like 30s, 5m, 1h30m or 250ms");
        }

        return value;
    }

    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var matches = Part().Matches(text);
        if (matches.Count == 0 || matches.Sum(m => m.Length) != text.Length)
        {
            return false;
        }

        foreach (Match match in matches)
        {
            var number = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            value += match.Groups[2].Value switch
            {
                "ms" => TimeSpan.FromMilliseconds(number),
                "s" => TimeSpan.FromSeconds(number),
                "m" => TimeSpan.FromMinutes(number),
                _ => TimeSpan.FromHours(number),
            };
        }

        return true;
    }

    [GeneratedRegex("([0-9]+(?:\\.[0-9]+)?)(ms|s|m|h)")]
    private static partial Regex Part();
}
