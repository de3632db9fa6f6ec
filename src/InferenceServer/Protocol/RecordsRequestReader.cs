using System.Text.Json;
using Flywheel.InferenceServer.Pipeline;

namespace Flywheel.InferenceServer.Protocol;

/// <summary>
/// Reads the records form for tabular callers: <c>{"instances":[{"age":31,"genre":"drama"}]}</c>, one object
/// per row with every feature by name (null for a missing value).
/// </summary>
internal static class RecordsRequestReader
{
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
            throw ProtocolException.BadRequest("the body must be a JSON object with \"instances\", an array of rows");
        }

        var features = schema.Features;
        var numbers = features.Select(f => f.IsNumeric ? new List<double>() : null).ToArray();
        var texts = features.Select(f => f.IsNumeric ? null : new List<string?>()).ToArray();
        var rows = 0;
        var topK = 0;
        string? id = null;
        var sawInstances = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("instances"u8))
            {
                sawInstances = true;
                reader.Read();
                V2RequestReader.Expect(ref reader, JsonTokenType.StartArray, "\"instances\" must be an array of objects, one per row");
                var seen = new bool[features.Count];
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (rows >= maxRows)
                    {
                        throw new ProtocolException(StatusCodes.Status413PayloadTooLarge, $"\"instances\" has more than {maxRows} rows; split the batch");
                    }

                    ReadInstance(ref reader, schema, rows, seen, numbers, texts);
                    rows++;
                }
            }
            else if (reader.ValueTextEquals("parameters"u8))
            {
                topK = RequestParameters.Read(ref reader, "parameters");
            }
            else if (reader.ValueTextEquals("id"u8))
            {
                reader.Read();
                id = reader.TokenType == JsonTokenType.String ? reader.GetString() : throw ProtocolException.BadRequest("\"id\" must be a string");
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (!sawInstances)
        {
            throw ProtocolException.BadRequest($"the body has no \"instances\"; send {{\"instances\":[{{{string.Join(", ", features.Select(f => $"\"{f.Name}\": …"))}}}]}}");
        }

        if (rows == 0)
        {
            throw ProtocolException.BadRequest("\"instances\" is empty; send at least one row");
        }

        var batch = new FeatureBatch(schema, rows);
        for (var f = 0; f < features.Count; f++)
        {
            if (numbers[f] is { } n)
            {
                n.CopyTo(batch.Numeric[f]!);
            }
            else
            {
                texts[f]!.CopyTo(batch.Text[f]!);
            }
        }

        return new InferRequest(id, batch, topK, null);
    }

    private static void ReadInstance(ref Utf8JsonReader reader, ModelSchema schema, int row, bool[] seen, List<double>?[] numbers, List<string?>?[] texts)
    {
        V2RequestReader.Expect(ref reader, JsonTokenType.StartObject, $"instances[{row}] must be an object of feature values");
        Array.Clear(seen);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString()!;
            if (!schema.FeatureIndex.TryGetValue(name, out var f))
            {
                throw ProtocolException.BadRequest($"instances[{row}] has '{name}', which is not a feature of this model; features: {schema.FeatureList}");
            }

            if (seen[f])
            {
                throw ProtocolException.BadRequest($"instances[{row}] gives '{name}' twice; give each feature once");
            }

            seen[f] = true;
            reader.Read();
            if (numbers[f] is { } column)
            {
                column.Add(TensorData.Number(ref reader, "FP64", new ValueLocation(name, row, Records: true)));
            }
            else
            {
                texts[f]!.Add(reader.TokenType switch
                {
                    JsonTokenType.String => TensorData.Category(ref reader, schema.Features[f]),
                    JsonTokenType.Null => null,
                    _ => throw ProtocolException.BadRequest($"instances[{row}].{name} is {TensorData.Describe(ref reader)}; feature '{name}' is categorical and needs a string (null for a missing value)"),
                });
            }
        }

        for (var f = 0; f < seen.Length; f++)
        {
            if (!seen[f])
            {
                throw ProtocolException.BadRequest($"instances[{row}] is missing feature '{schema.Features[f].Name}'; every row needs {schema.FeatureList} (null for a missing value)");
            }
        }
    }
}
