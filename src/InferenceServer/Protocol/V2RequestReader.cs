using System.Text.Json;
using Flywheel.InferenceServer.Pipeline;

namespace Flywheel.InferenceServer.Protocol;

/// <summary>
/// Reads an Open Inference Protocol (KServe V2) infer request straight from its UTF-8 bytes into feature
/// columns: one named input per feature, shaped [batch] or [batch, 1], data flat or nested.
/// </summary>
internal static class V2RequestReader
{
    public const string SupportedDatatypes = "FP32, FP64, INT32, INT64, BOOL or BYTES";

    public static InferRequest Read(ReadOnlySpan<byte> json, ModelSchema schema, int maxRows)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 32 });
        try
        {
            return ReadRequest(ref reader, schema, maxRows);
        }
        catch (JsonException ex)
        {
            throw ProtocolException.BadRequest($"the body is not valid JSON at byte {reader.BytesConsumed}: {ex.Message}");
        }
    }

    private static InferRequest ReadRequest(ref Utf8JsonReader reader, ModelSchema schema, int maxRows)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw ProtocolException.BadRequest("the body must be a JSON object with \"inputs\", an array of named tensors");
        }

        string? id = null;
        var topK = 0;
        List<string>? outputs = null;
        FeatureBatch? batch = null;
        var seen = new bool[schema.Features.Count];
        var sawInputs = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("id"u8))
            {
                reader.Read();
                id = reader.TokenType == JsonTokenType.String ? reader.GetString() : throw ProtocolException.BadRequest("\"id\" must be a string");
            }
            else if (reader.ValueTextEquals("parameters"u8))
            {
                topK = RequestParameters.Read(ref reader, "parameters");
            }
            else if (reader.ValueTextEquals("inputs"u8))
            {
                sawInputs = true;
                reader.Read();
                Expect(ref reader, JsonTokenType.StartArray, "\"inputs\" must be an array of tensors");
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    batch = ReadInput(ref reader, schema, maxRows, batch, seen);
                }
            }
            else if (reader.ValueTextEquals("outputs"u8))
            {
                outputs = ReadOutputs(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (!sawInputs)
        {
            throw ProtocolException.BadRequest($"the body has no \"inputs\"; send one tensor per feature ({schema.FeatureList})");
        }

        for (var f = 0; f < seen.Length; f++)
        {
            if (!seen[f])
            {
                throw ProtocolException.BadRequest($"input '{schema.Features[f].Name}' is missing; the model needs one input per feature: {schema.FeatureList}");
            }
        }

        return new InferRequest(id, batch!, topK, outputs);
    }

    private static FeatureBatch ReadInput(ref Utf8JsonReader reader, ModelSchema schema, int maxRows, FeatureBatch? batch, bool[] seen)
    {
        Expect(ref reader, JsonTokenType.StartObject, "each element of \"inputs\" must be an object with name, shape, datatype and data");
        string? name = null;
        string? datatype = null;
        List<long>? shape = null;
        var data = default(Utf8JsonReader);
        var hasData = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("name"u8))
            {
                reader.Read();
                name = reader.TokenType == JsonTokenType.String ? reader.GetString() : throw ProtocolException.BadRequest("an input's \"name\" must be a string");
            }
            else if (reader.ValueTextEquals("datatype"u8))
            {
                reader.Read();
                datatype = reader.TokenType == JsonTokenType.String ? reader.GetString() : throw ProtocolException.BadRequest($"input '{name}': \"datatype\" must be a string such as \"FP32\"");
            }
            else if (reader.ValueTextEquals("shape"u8))
            {
                reader.Read();
                Expect(ref reader, JsonTokenType.StartArray, $"input '{name}': \"shape\" must be an array of whole numbers, such as [2, 1]");
                shape = [];
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    shape.Add(reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var dim) && dim >= 0
                        ? dim
                        : throw ProtocolException.BadRequest($"input '{name}': \"shape\" must hold whole numbers ≥ 0, such as [2, 1]"));
                }
            }
            else if (reader.ValueTextEquals("data"u8))
            {
                reader.Read();
                data = reader;
                hasData = true;
                reader.Skip();
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (name is null)
        {
            throw ProtocolException.BadRequest("an input has no \"name\"; name each input after a feature");
        }

        if (!schema.FeatureIndex.TryGetValue(name, out var index))
        {
            throw ProtocolException.BadRequest($"input '{name}' is not a feature of this model; send exactly these inputs: {schema.FeatureList}");
        }

        if (seen[index])
        {
            throw ProtocolException.BadRequest($"input '{name}' is given twice; send each feature once");
        }

        seen[index] = true;
        if (datatype is null || shape is null || !hasData)
        {
            var missing = datatype is null ? "datatype" : shape is null ? "shape" : "data";
            throw ProtocolException.BadRequest($"input '{name}' has no \"{missing}\"; each input needs name, shape, datatype and data");
        }

        if (shape.Count is < 1 or > 2 || (shape.Count == 2 && shape[1] != 1))
        {
            throw ProtocolException.BadRequest($"input '{name}' has shape [{string.Join(", ", shape)}]; each input holds one feature, shaped [batch] or [batch, 1]");
        }

        var rows = shape[0];
        if (rows == 0)
        {
            throw ProtocolException.BadRequest($"input '{name}' has an empty batch (shape [{string.Join(", ", shape)}]); send at least one row");
        }

        if (rows > maxRows)
        {
            throw new ProtocolException(StatusCodes.Status413PayloadTooLarge, $"input '{name}' has {rows} rows; at most {maxRows} rows fit in one request, split the batch");
        }

        if (batch is not null && batch.Rows != rows)
        {
            throw ProtocolException.BadRequest($"input '{name}' has {rows} rows but the other inputs have {batch.Rows}; every input needs the same batch size");
        }

        batch ??= new FeatureBatch(schema, (int)rows);
        TensorData.Read(ref data, schema.Features[index], datatype, batch, name);
        return batch;
    }

    private static List<string> ReadOutputs(ref Utf8JsonReader reader)
    {
        reader.Read();
        Expect(ref reader, JsonTokenType.StartArray, "\"outputs\" must be an array of objects with a \"name\"");
        var names = new List<string>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            Expect(ref reader, JsonTokenType.StartObject, "each element of \"outputs\" must be an object with a \"name\"");
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isName = reader.ValueTextEquals("name"u8);
                reader.Read();
                if (isName && reader.TokenType == JsonTokenType.String)
                {
                    names.Add(reader.GetString()!);
                }
                else
                {
                    reader.Skip();
                }
            }
        }

        return names;
    }

    internal static void Expect(ref Utf8JsonReader reader, JsonTokenType type, string message)
    {
        if (reader.TokenType != type)
        {
            throw ProtocolException.BadRequest(message);
        }
    }
}
