using k8s;
using k8s.Models;

namespace Flywheel.ApiServer.Node;

/// <summary>A short, stable name suffix for a pod template (FNV-1a over its JSON, in the API server's safe alphabet).</summary>
internal static class TemplateHash
{
    private const string Alphabet = "bcdfghjklmnpqrstvwxz2456789";

    public static string Of(V1PodTemplateSpec template)
    {
        var hash = 2166136261u;
        foreach (var b in System.Text.Encoding.UTF8.GetBytes(KubernetesJson.Serialize(template)))
        {
            hash = (hash ^ b) * 16777619u;
        }

        var chars = new char[10];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = Alphabet[(int)(hash % (uint)Alphabet.Length)];
            hash /= (uint)Alphabet.Length;
            if (hash == 0)
            {
                Array.Resize(ref chars, i + 1);
                break;
            }
        }

        return new string(chars);
    }
}
