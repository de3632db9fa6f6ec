namespace Flywheel.Trainer.Data;

/// <summary>
/// Turns a data URI into local files: <c>file://</c> and plain paths as they are, <c>pvc://claim/path</c>
/// under the data root where the Job mounts claims, <c>https://</c> and <c>s3://</c> downloaded to a
/// scratch directory. A directory stands for every file with the format's extension in it, in name order.
/// </summary>
internal sealed class DataLocator(string dataRoot, string scratchDirectory, HttpClient? http = null)
{
    /// <summary>Where a Job mounts PersistentVolumeClaims when no <c>--data-root</c> is given.</summary>
    public const string DefaultDataRoot = "/data";

    public async Task<IReadOnlyList<string>> ResolveAsync(string uri, string extension, string field, CancellationToken cancellationToken)
    {
        var path = await ToLocalPathAsync(uri, field, cancellationToken);
        if (Directory.Exists(path))
        {
            var files = Directory.GetFiles(path, "*." + extension)
                .Order(StringComparer.Ordinal)
                .ToList();
            return files.Count > 0
                ? files
                : throw new TrainingInputException($"{field}: directory {path} holds no *.{extension} files; fix {field} or data.format");
        }

        return File.Exists(path)
            ? [path]
            : throw new TrainingInputException($"{field}: {uri} does not exist (looked at {path}); fix {field}");
    }

    /// <summary>A local path for a URI (the directory of logs, a version directory, a data file).</summary>
    public async Task<string> ToLocalPathAsync(string uri, string field, CancellationToken cancellationToken)
    {
        if (uri.StartsWith("pvc://", StringComparison.Ordinal))
        {
            var rest = uri["pvc://".Length..].Trim('/');
            if (rest.Length == 0)
            {
                throw new TrainingInputException($"{field}: \"{uri}\" names no claim; use pvc://<claim>/<path>");
            }

            return Path.Combine(dataRoot, rest);
        }

        if (uri.StartsWith("file://", StringComparison.Ordinal))
        {
            return new Uri(uri).LocalPath;
        }

        if (uri.StartsWith("https://", StringComparison.Ordinal) || uri.StartsWith("http://", StringComparison.Ordinal))
        {
            return await DownloadAsync(new Uri(uri), field, cancellationToken);
        }

        if (uri.StartsWith("s3://", StringComparison.Ordinal))
        {
            return await DownloadAsync(S3Url(uri, field), field, cancellationToken);
        }

        return uri.Contains("://", StringComparison.Ordinal)
            ? throw new TrainingInputException($"{field}: scheme of \"{uri}\" is not supported; use file://, pvc://, s3:// or https://")
            : Path.GetFullPath(uri);
    }

    /// <summary>
    /// s3://bucket/key as a plain GET on the endpoint in <c>FLYWHEEL_S3_ENDPOINT</c> (path style) or on
    /// AWS's virtual-hosted URL: public objects, or an endpoint that signs for us (a gateway or proxy).
    /// </summary>
    private static Uri S3Url(string uri, string field)
    {
        var rest = uri["s3://".Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == rest.Length - 1)
        {
            throw new TrainingInputException($"{field}: \"{uri}\" must be s3://<bucket>/<key>");
        }

        var bucket = rest[..slash];
        var key = rest[(slash + 1)..];
        var endpoint = Environment.GetEnvironmentVariable("FLYWHEEL_S3_ENDPOINT");
        return string.IsNullOrEmpty(endpoint)
            ? new Uri($"https://{bucket}.s3.amazonaws.com/{key}")
            : new Uri($"{endpoint.TrimEnd('/')}/{bucket}/{key}");
    }

    private async Task<string> DownloadAsync(Uri url, string field, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(scratchDirectory);
        var target = Path.Combine(scratchDirectory, Path.GetFileName(url.AbsolutePath) is { Length: > 0 } name ? name : "download");
        var client = http ?? new HttpClient();
        try
        {
            using var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new TrainingInputException($"{field}: GET {url} answered {(int)response.StatusCode} {response.ReasonPhrase}; fix the URL or its access");
            }

            await using var file = File.Create(target);
            await response.Content.CopyToAsync(file, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw new TrainingInputException($"{field}: cannot download {url}: {ex.Message}");
        }
        finally
        {
            if (http is null)
            {
                client.Dispose();
            }
        }

        return target;
    }
}
