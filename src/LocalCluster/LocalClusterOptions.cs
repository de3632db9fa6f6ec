namespace Flywheel.ApiServer;

/// <summary>How to start a <see cref="LocalCluster"/>.</summary>
public sealed record LocalClusterOptions
{
    /// <summary>The loopback port; 0 (the default) picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>Where objects persist across restarts; null keeps them in memory only.</summary>
    public string? DataDirectory { get; init; }

    /// <summary>Where to write the kubeconfig; null writes it to a temporary folder that is deleted on dispose.</summary>
    public string? KubeconfigPath { get; init; }

    /// <summary>The clock for timestamps (creation, deletion, managed fields).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>How many past events a watch can resume from before it gets 410 Gone.</summary>
    public int WatchHistory { get; init; } = 100_000;

    /// <summary>How often a watch that allows bookmarks gets one while idle.</summary>
    public TimeSpan BookmarkInterval { get; init; } = TimeSpan.FromSeconds(1);
}
