using System.Reflection;
using k8s.Models;

namespace Flywheel.Operator.Runtime.Informers;

/// <summary>The API coordinates of a kind: group, version, kind and plural, read from its <see cref="KubernetesEntityAttribute"/>.</summary>
public sealed record ResourceType(string Group, string Version, string Kind, string Plural)
{
    /// <summary><c>group/version</c>, or just <c>version</c> for the core group; the form ownerReferences use.</summary>
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    public static ResourceType Of<T>() => Of(typeof(T));

    public static ResourceType Of(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        var entity = type.GetCustomAttribute<KubernetesEntityAttribute>()
            ?? throw new ArgumentException($"{type.Name} has no [KubernetesEntity] attribute; add one with Group, ApiVersion, Kind and PluralName so the runtime knows its API path.", nameof(type));
        if (string.IsNullOrEmpty(entity.Kind) || string.IsNullOrEmpty(entity.ApiVersion) || string.IsNullOrEmpty(entity.PluralName))
        {
            throw new ArgumentException($"{type.Name}'s [KubernetesEntity] must set Kind, ApiVersion and PluralName (got Kind='{entity.Kind}', ApiVersion='{entity.ApiVersion}', PluralName='{entity.PluralName}').", nameof(type));
        }

        return new(entity.Group ?? string.Empty, entity.ApiVersion, entity.Kind, entity.PluralName);
    }

    public override string ToString() => Group.Length == 0 ? $"{Plural}/{Version}" : $"{Plural}.{Version}.{Group}";
}
