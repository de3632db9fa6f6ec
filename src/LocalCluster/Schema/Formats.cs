using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace Flywheel.ApiServer.Schema;

/// <summary>The OpenAPI string formats Kubernetes checks; unknown formats pass, as in the API server.</summary>
internal static partial class Formats
{
    public static bool IsValid(string format, string text) => format switch
    {
        "date-time" => DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out _) && text.Contains('T', StringComparison.Ordinal),
        "date" => DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _),
        "uuid" => Guid.TryParse(text, out _),
        "byte" => IsBase64(text),
        "ipv4" => IPAddress.TryParse(text, out var v4) && v4.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && text.Count(c => c == '.') == 3,
        "ipv6" => IPAddress.TryParse(text, out var v6) && v6.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6,
        "duration" => DurationPattern().IsMatch(text),
        "hostname" => HostnamePattern().IsMatch(text),
        "email" => text.Contains('@', StringComparison.Ordinal) && !text.StartsWith('@') && !text.EndsWith('@'),
        _ => true,
    };

    private static bool IsBase64(string text)
    {
        var buffer = new byte[text.Length];
        return Convert.TryFromBase64String(text, buffer, out _);
    }

    [GeneratedRegex(@"^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$")]
    private static partial Regex DurationPattern();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$", RegexOptions.IgnoreCase)]
    private static partial Regex HostnamePattern();
}
