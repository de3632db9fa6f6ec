namespace Flywheel.ApiServer;

/// <summary>The kubeconfig kubectl, helm and KubernetesClient use to reach a local cluster.</summary>
internal static class Kubeconfig
{
    public const string ContextName = "flywheel-local";

    public static string Render(Uri server) => $"""
        apiVersion: v1
        kind: Config
        clusters:
        - name: {ContextName}
          cluster:
            server: {server.GetLeftPart(UriPartial.Authority)}
        contexts:
        - name: {ContextName}
          context:
            cluster: {ContextName}
            user: {ContextName}
            namespace: default
        current-context: {ContextName}
        users:
        - name: {ContextName}
          user:
            # Any token: the server does not authenticate; KubernetesClient insists a user has credentials.
            token: flywheel-local

        """;

    public static void Write(string path, Uri server)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        var temp = path + ".tmp";
        File.WriteAllText(temp, Render(server));
        File.Move(temp, path, overwrite: true);
    }
}
