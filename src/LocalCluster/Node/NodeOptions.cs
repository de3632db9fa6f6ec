namespace Flywheel.ApiServer.Node;

/// <summary>How a <see cref="LocalNode"/> runs Pods on this machine.</summary>
public sealed record NodeOptions
{
    /// <summary>
    /// Image → entrypoint. Keys are image names with or without a tag ("flywheel/inference" matches
    /// "flywheel/inference:1.2"; an exact "name:tag" key wins). The value replaces the image's entrypoint:
    /// a container's <c>command</c> replaces it, its <c>args</c> are appended.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Images { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>Where volumes live: <c>&lt;root&gt;/pvc/&lt;claim&gt;</c> for claims, <c>&lt;root&gt;/pods/…</c> for per-pod folders and logs.</summary>
    public string RootDirectory { get; init; } = Path.Combine(Path.GetTempPath(), "flywheel-node");

    /// <summary>The node name written to <c>spec.nodeName</c> and the Node object.</summary>
    public string NodeName { get; init; } = "flywheel-local";

    /// <summary>The clock for status timestamps and deadlines.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>How often controllers re-check everything even without watch events (deadlines, readiness).</summary>
    public TimeSpan ResyncInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The first delay before a crashed container restarts; it doubles per restart up to <see cref="MaxRestartBackoff"/>.</summary>
    public TimeSpan RestartBackoff { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest restart delay (Kubernetes uses 5 minutes; local mode favours quick feedback).</summary>
    public TimeSpan MaxRestartBackoff { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long processes get after SIGTERM when the node itself stops.</summary>
    public TimeSpan ShutdownGracePeriod { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Where the node reports what went wrong in a pass (ignored by default).</summary>
    public Action<string> Log { get; init; } = _ => { };

    /// <summary>
    /// The image map for the project's own programs: the operator's default trainer and inference images
    /// (and the short names flywheel/trainer, flywheel/inference) run the built assemblies under
    /// <paramref name="repositoryRoot"/> with <c>dotnet</c>.
    /// </summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> ProjectImages(string repositoryRoot, string configuration = "Release")
    {
        IReadOnlyList<string> Program(string project, string assembly) =>
            ["dotnet", Path.Combine(repositoryRoot, "src", project, "bin", configuration, "net10.0", assembly + ".dll")];

        var trainer = Program("Trainer", "Flywheel.Trainer");
        var inference = Program("InferenceServer", "Flywheel.InferenceServer");
        return new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
        {
            ["ghcr.io/flywheel/flywheel-trainer"] = trainer,
            ["flywheel/trainer"] = trainer,
            ["ghcr.io/flywheel/flywheel-inference"] = inference,
            ["flywheel/inference"] = inference,
        };
    }
}
