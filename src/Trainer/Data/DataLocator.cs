namespace Flywheel.Trainer.Data;

/// <summary>
/// Turns a data URI into local files: <c>file://</c> and plain paths as they are, <c>pvc://claim/path</c>
/// under the data root where the Job mounts claims, <c>https://</c> and <c>s3://</c> downloaded to a
/// scratch directory (s3:// signed when <see cref="DataAccess"/> has credentials, https:// with its bearer
/// token). A directory stands for every file with the format's extension in it, in name order.
/// </summary>
internal sealed class DataLocator(string dataRoot, string scratchDirectory, DataAccess access, TimeProvider time, HttpClient? http = null)
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
            return await DownloadAsync(new Uri(uri), s3: false, field, cancellationToken);
        }

        if (uri.StartsWith("s3://", StringComparison.Ordinal))
        {
            if (access.Problem() is { } problem)
            {
                throw new TrainingInputException($"{field}: cannot read {uri}: {problem}");
            }

            return await DownloadAsync(S3Url(uri, field), s3: true, field, cancellationToken);
        }

        return uri.Contains("://", StringComparison.Ordinal)
            ? throw new TrainingInputException($"{field}: scheme of \"{uri}\" is not supported; use file://, pvc://, s3:// or https://")
            : Path.GetFullPath(uri);
    }

    /// <summary>
    /// s3://bucket/key as a GET on the S3-compatible endpoint (path style) or on AWS's virtual-hosted URL; the
    /// key is percent-encoded once, the way it is signed.
    /// </summary>
    private Uri S3Url(string uri, string field)
    {
        var rest = uri["s3://".Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == rest.Length - 1)
        {
            throw new TrainingInputException($"{field}: \"{uri}\" must be s3://<bucket>/<key>");
        }

        var bucket = rest[..slash];
        var key = S3Signer.Encode(rest[(slash + 1)..], keepSlash: true);
        return access.S3Endpoint is { } endpoint
            ? new Uri($"{endpoint.TrimEnd('/')}/{bucket}/{key}")
            : new Uri($"https://{bucket}.s3.{access.Region}.amazonaws.com/{key}");
    }

    private async Task<string> DownloadAsync(Uri url, bool s3, string field, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(scratchDirectory);
        var name = Path.GetFileName(Uri.UnescapeDataString(url.AbsolutePath));
        var target = Path.Combine(scratchDirectory, name is { Length: > 0 } and not ("." or "..") ? name : "download");
        var client = http ?? new HttpClient();
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            if (s3 && access.SignsS3)
            {
                S3Signer.Sign(request, access, time.GetUtcNow());
            }
            else if (!s3 && access.BearerToken is { } token)
            {
                request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            }

            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                var fix = (int)response.StatusCode is 401 or 403
                    ? $"check the credentials in data.credentialsSecretRef ({HowSent(s3)})"
                    : "fix the URL or its access";
                throw new TrainingInputException($"{field}: GET {url} answered {(int)response.StatusCode} {response.ReasonPhrase}; {fix}");
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

    /// <summary>What credentials went with a refused request, so that the message says where to look.</summary>
    private string HowSent(bool s3) => (s3, access.SignsS3, access.BearerToken is not null) switch
    {
        (true, true, _) => "the request was signed for region " + access.Region,
        (true, false, _) => "none were set, so the request was anonymous",
        (false, _, true) => "a bearer token was sent",
        (false, _, false) => "no token was set",
    };
}
