using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Flywheel.Operator.Builders;

namespace Flywheel.Operator.Triggers;

/// <summary>The digest of a data source now, or why it could not be read.</summary>
public sealed record DataDigest(string? Digest, string? Error);

/// <summary>
/// Looks at a data source without reading it: ETag or Last-Modified over HTTPS, modification times and sizes for
/// files and folders the operator can see (file:// paths and the model-store claim).
/// </summary>
public sealed class DataChangeProbe(IHttpClientFactory httpClients, OperatorSettings settings)
{
    public async Task<DataDigest> ProbeAsync(string source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (source.StartsWith("https://", StringComparison.Ordinal) || source.StartsWith("http://", StringComparison.Ordinal))
        {
            return await HeadAsync(new Uri(source), cancellationToken).ConfigureAwait(false);
        }

        if (source.StartsWith("file://", StringComparison.Ordinal))
        {
            return Local(new Uri(source).LocalPath);
        }

        if (source.StartsWith("pvc://", StringComparison.Ordinal))
        {
            var rest = source["pvc://".Length..];
            var claim = TrainingJobBuilder.DataClaim(source);
            if (claim == settings.ModelStoreClaim)
            {
                return Local(Path.Combine(settings.ModelStoreRoot, rest[(claim.Length)..].TrimStart('/')));
            }

            return new(null, $"the operator mounts only the model-store claim {settings.ModelStoreClaim}; put the data there or use an https:// source for dataChange");
        }

        return new(null, "dataChange watches https://, file:// and pvc:// (model-store claim) sources; for s3:// use a presigned https:// URL");
    }

    private async Task<DataDigest> HeadAsync(Uri uri, CancellationToken cancellationToken)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Head, uri);
            using var response = await httpClients.CreateClient("data").SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return new(null, $"HEAD {uri} answered HTTP {(int)response.StatusCode}");
            }

            var etag = response.Headers.ETag?.Tag;
            var modified = response.Content.Headers.LastModified;
            var length = response.Content.Headers.ContentLength;
            return etag is null && modified is null && length is null
                ? new(null, $"HEAD {uri} returned no ETag, Last-Modified or Content-Length to compare")
                : new(Hash($"{etag}|{modified:O}|{length}"), null);
        }
        catch (HttpRequestException ex)
        {
            return new(null, $"HEAD {uri} failed: {ex.Message}");
        }
    }

    private static DataDigest Local(string path)
    {
        if (File.Exists(path))
        {
            var file = new FileInfo(path);
            return new(Hash(Entry(file, file.Name)), null);
        }

        if (Directory.Exists(path))
        {
            var text = new StringBuilder();
            foreach (var file in new DirectoryInfo(path).EnumerateFiles("*", SearchOption.AllDirectories).OrderBy(f => f.FullName, StringComparer.Ordinal))
            {
                text.Append(Entry(file, Path.GetRelativePath(path, file.FullName))).Append('\n');
            }

            return new(Hash(text.ToString()), null);
        }

        return new(null, $"{path} does not exist (as the operator sees it)");
    }

    private static string Entry(FileInfo file, string name) =>
        string.Create(CultureInfo.InvariantCulture, $"{name}|{file.Length}|{file.LastWriteTimeUtc.Ticks}");

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..32];
}
