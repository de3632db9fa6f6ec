using System.Text.Encodings.Web;
using System.Text.Json;

namespace Flywheel.ApiServer.Storage;

/// <summary>The one serializer setting: keep characters readable (kubectl prints what it receives).</summary>
internal static class JsonText
{
    public static JsonSerializerOptions Options { get; } = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
