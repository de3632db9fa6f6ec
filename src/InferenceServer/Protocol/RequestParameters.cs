using System.Text.Json;

namespace Flywheel.InferenceServer.Protocol;

/// <summary>The request <c>parameters</c> the server honours: <c>top_k</c>; others are accepted and ignored.</summary>
internal static class RequestParameters
{
    /// <summary>Reads the object after the property name; returns top_k (0 when absent).</summary>
    public static int Read(ref Utf8JsonReader reader, string field)
    {
        reader.Read();
        V2RequestReader.Expect(ref reader, JsonTokenType.StartObject, $"\"{field}\" must be an object");
        var topK = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isTopK = reader.ValueTextEquals("top_k"u8);
            reader.Read();
            if (isTopK)
            {
                topK = reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var k) && k >= 1
                    ? k
                    : throw ProtocolException.BadRequest($"\"{field}.top_k\" must be a whole number ≥ 1");
            }
            else
            {
                reader.Skip();
            }
        }

        return topK;
    }
}
