using System.Collections.Concurrent;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Flywheel.Operator.Crds;

/// <summary>
/// The XML documentation comments of the API types, read from the documentation file the compiler
/// writes next to each assembly: they become the schema descriptions <c>kubectl explain</c> prints.
/// </summary>
internal sealed partial class XmlDocumentation
{
    private readonly ConcurrentDictionary<Assembly, IReadOnlyDictionary<string, string>> _byAssembly = new();
    private readonly Func<Assembly, string?> _locate;

    /// <param name="locate">Where an assembly's documentation file is; the default looks next to the assembly.</param>
    public XmlDocumentation(Func<Assembly, string?>? locate = null)
    {
        _locate = locate ?? (assembly => string.IsNullOrEmpty(assembly.Location) ? null : Path.ChangeExtension(assembly.Location, ".xml"));
    }

    /// <summary>Fails with the fix when the documentation of <paramref name="assembly"/> cannot be read.</summary>
    public void Require(Assembly assembly)
    {
        if (Members(assembly).Count == 0)
        {
            throw new InvalidOperationException(
                $"the XML documentation of {assembly.GetName().Name} was not found at {_locate(assembly) ?? "(no location)"}; " +
                "build with GenerateDocumentationFile=true so that the CRD schemas get their descriptions");
        }
    }

    public string? For(Type type) => Lookup(type.Assembly, "T:" + Id(type));

    public string? For(PropertyInfo property) =>
        Lookup(property.DeclaringType!.Assembly, "P:" + Id(property.DeclaringType!) + "." + property.Name);

    private string? Lookup(Assembly assembly, string id) =>
        Members(assembly).TryGetValue(id, out var text) ? text : null;

    private static string Id(Type type) => (type.FullName ?? type.Name).Replace('+', '.');

    private IReadOnlyDictionary<string, string> Members(Assembly assembly) =>
        _byAssembly.GetOrAdd(assembly, a => Load(_locate(a)));

    private static Dictionary<string, string> Load(string? path)
    {
        var members = new Dictionary<string, string>(StringComparer.Ordinal);
        if (path is null || !File.Exists(path))
        {
            return members;
        }

        foreach (var member in XDocument.Load(path).Descendants("member"))
        {
            var name = member.Attribute("name")?.Value;
            var summary = member.Element("summary");
            if (name is not null && summary is not null)
            {
                members[name] = Render(summary);
            }
        }

        return members;
    }

    /// <summary>Plain text of a doc element: code and references keep their visible text, whitespace collapses.</summary>
    private static string Render(XElement element)
    {
        var text = new StringBuilder();
        foreach (var node in element.Nodes())
        {
            switch (node)
            {
                case XText t:
                    text.Append(t.Value);
                    break;
                case XElement { Name.LocalName: "see" or "seealso" } e:
                    var target = e.Attribute("cref")?.Value ?? e.Attribute("langword")?.Value ?? e.Attribute("href")?.Value ?? string.Empty;
                    text.Append(e.IsEmpty ? target[(target.LastIndexOf('.') + 1)..] : Render(e));
                    break;
                case XElement { Name.LocalName: "paramref" or "typeparamref" } e:
                    text.Append(e.Attribute("name")?.Value);
                    break;
                case XElement e:
                    text.Append(Render(e));
                    break;
            }
        }

        return Whitespace().Replace(text.ToString(), " ").Trim();
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
