using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Flywheel.Contracts.Versioning;

/// <summary>
/// A model version <c>MAJOR.MINOR</c>: a retrain on the same feature schema bumps the minor number,
/// a schema change bumps the major number (1.0 → 1.1 → 2.0).
/// </summary>
public readonly record struct ModelVersion(int Major, int Minor) : IComparable<ModelVersion>
{
    /// <summary>The first version a model gets.</summary>
    public static ModelVersion Initial { get; } = new(1, 0);

    /// <summary>The regular expression the API uses for version strings.</summary>
    public const string Pattern = "^(0|[1-9][0-9]{0,5})\\.(0|[1-9][0-9]{0,5})$";

    /// <summary>The version after this one: a minor bump, or a major bump when the schema changed.</summary>
    public ModelVersion Next(bool schemaChanged) => schemaChanged ? new(Major + 1, 0) : new(Major, Minor + 1);

    public int CompareTo(ModelVersion other) =>
        Major != other.Major ? Major.CompareTo(other.Major) : Minor.CompareTo(other.Minor);

    public static bool operator <(ModelVersion left, ModelVersion right) => left.CompareTo(right) < 0;

    public static bool operator >(ModelVersion left, ModelVersion right) => left.CompareTo(right) > 0;

    public static bool operator <=(ModelVersion left, ModelVersion right) => left.CompareTo(right) <= 0;

    public static bool operator >=(ModelVersion left, ModelVersion right) => left.CompareTo(right) >= 0;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Major}.{Minor}");

    /// <summary>Parses <c>MAJOR.MINOR</c>; throws <see cref="FormatException"/> naming the expected form.</summary>
    public static ModelVersion Parse(string text) =>
        TryParse(text, out var version)
            ? version
            : throw new FormatException($"version \"{text}\" is not of the form MAJOR.MINOR (for example 1.0 or 2.3)");

    public static bool TryParse([NotNullWhen(true)] string? text, out ModelVersion version)
    {
        version = default;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var dot = text.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || dot == text.Length - 1 || text.IndexOf('.', dot + 1) >= 0)
        {
            return false;
        }

        if (!TryParsePart(text.AsSpan(0, dot), out var major) || !TryParsePart(text.AsSpan(dot + 1), out var minor))
        {
            return false;
        }

        version = new ModelVersion(major, minor);
        return true;
    }

    private static bool TryParsePart(ReadOnlySpan<char> part, out int value)
    {
        value = 0;
        if (part.Length is 0 or > 6 || (part.Length > 1 && part[0] == '0'))
        {
            return false;
        }

        foreach (var c in part)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        value = int.Parse(part, NumberStyles.None, CultureInfo.InvariantCulture);
        return true;
    }
}
