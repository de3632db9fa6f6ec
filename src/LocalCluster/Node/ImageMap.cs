namespace Flywheel.ApiServer.Node;

/// <summary>Resolves a container image to the local command line that plays its entrypoint.</summary>
internal sealed class ImageMap(IReadOnlyDictionary<string, IReadOnlyList<string>> images)
{
    /// <summary>The entrypoint for an image, or null when the map does not know it.</summary>
    public IReadOnlyList<string>? Resolve(string? image)
    {
        if (string.IsNullOrEmpty(image))
        {
            return null;
        }

        if (images.TryGetValue(image, out var exact))
        {
            return exact;
        }

        return images.TryGetValue(WithoutTagOrDigest(image), out var named) ? named : null;
    }

    /// <summary>The message an unknown image gets: what was asked for, what is known, where to add it.</summary>
    public string UnknownImageMessage(string? image)
    {
        var known = images.Count == 0 ? "(none)" : string.Join(", ", images.Keys.Order(StringComparer.Ordinal));
        return $"image \"{image}\" is not in the local node's image map; known images: {known}. "
            + "Map it to a local command line in the local-mode config (NodeOptions.Images) or use one of the known images.";
    }

    /// <summary>"registry:5000/a/b:tag" → "registry:5000/a/b"; "a/b@sha256:…" → "a/b".</summary>
    internal static string WithoutTagOrDigest(string image)
    {
        var at = image.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            image = image[..at];
        }

        var colon = image.LastIndexOf(':');
        return colon > image.LastIndexOf('/') ? image[..colon] : image;
    }
}
