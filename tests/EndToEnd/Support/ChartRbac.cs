using Flywheel.ApiServer;
using Flywheel.Testing;
using YamlDotNet.RepresentationModel;

namespace Flywheel.EndToEnd.Support;

/// <summary>The operator's RBAC rules as the Helm chart renders them (ClusterRole and the leader-election Role).</summary>
internal sealed record ChartRbac(IReadOnlyList<ChartRbac.Rule> ClusterRules, IReadOnlyList<ChartRbac.Rule> NamespaceRules, string ReleaseNamespace)
{
    public sealed record Rule(IReadOnlyList<string> ApiGroups, IReadOnlyList<string> Resources, IReadOnlyList<string> Verbs)
    {
        public bool Allows(ApiCall call) =>
            ApiGroups.Contains(call.Group) && Resources.Contains(call.RbacResource) && Verbs.Contains(call.Verb);
    }

    public static async Task<ChartRbac> RenderAsync(string releaseNamespace)
    {
        var chart = Path.Combine(TestTools.RepositoryRoot, "deploy", "helm", "flywheel");
        var result = await TestTools.RunAsync(TestTools.Helm, ["template", "flywheel", chart, "--namespace", releaseNamespace]);
        Assert.True(result.ExitCode == 0, result.ToString());
        var stream = new YamlStream();
        stream.Load(new StringReader(result.Stdout));
        var cluster = new List<Rule>();
        var namespaced = new List<Rule>();
        foreach (var document in stream.Documents)
        {
            if (document.RootNode is not YamlMappingNode root || !root.Children.TryGetValue("kind", out var kind))
            {
                continue;
            }

            var name = ((YamlScalarNode)((YamlMappingNode)root["metadata"])["name"]).Value!;
            var target = ((YamlScalarNode)kind).Value switch
            {
                "ClusterRole" when name.EndsWith("-operator", StringComparison.Ordinal) => cluster,
                "Role" when name.EndsWith("-leader-election", StringComparison.Ordinal) => namespaced,
                _ => null,
            };
            foreach (YamlMappingNode rule in (YamlSequenceNode)(target is null ? new YamlSequenceNode() : root["rules"]))
            {
                target!.Add(new Rule(Strings(rule, "apiGroups"), Strings(rule, "resources"), Strings(rule, "verbs")));
            }
        }

        return new ChartRbac(cluster, namespaced, releaseNamespace);
    }

    /// <summary>The calls these rules do not allow (namespace rules only count in the release's namespace).</summary>
    public IReadOnlyList<ApiCall> Denied(IEnumerable<ApiCall> calls) =>
        [.. calls.Where(call => !ClusterRules.Any(r => r.Allows(call)) && !(call.Namespace == ReleaseNamespace && NamespaceRules.Any(r => r.Allows(call))))];

    private static IReadOnlyList<string> Strings(YamlMappingNode rule, string key) =>
        rule.Children.TryGetValue(key, out var node) ? [.. ((YamlSequenceNode)node).Children.Select(c => ((YamlScalarNode)c).Value ?? string.Empty)] : [];
}
