using System.Text.Json;
using Flywheel.InferenceServer.Pipeline;

namespace Flywheel.InferenceServer.Protocol;

/// <summary>Writes inference responses: the V2 tensor form and the records form.</summary>
internal static class ResponseWriter
{
    public const string LabelOutput = "label";
    public const string ProbabilitiesOutput = "probabilities";
    public const string ValueOutput = "value";
    public const string IdOutput = "prediction_id";
    public const string TopKLabelsOutput = "top_k_labels";
    public const string TopKProbabilitiesOutput = "top_k_probabilities";

    /// <summary>The outputs a model offers, for metadata and to check requested outputs.</summary>
    public static string[] OutputNames(ModelSchema schema) => schema.IsClassification
        ? [LabelOutput, ProbabilitiesOutput, IdOutput, TopKLabelsOutput, TopKProbabilitiesOutput]
        : [ValueOutput, IdOutput];

    public static void CheckOutputs(ModelSchema schema, InferRequest request)
    {
        if (request.Outputs is null)
        {
            return;
        }

        var known = OutputNames(schema);
        foreach (var name in request.Outputs)
        {
            if (Array.IndexOf(known, name) < 0)
            {
                throw ProtocolException.BadRequest($"requested output '{name}' does not exist; outputs are {string.Join(", ", known)}");
            }
        }
    }

    public static void WriteV2(Utf8JsonWriter writer, string modelName, string version, ModelSchema schema, InferRequest request, PredictionSlice slice)
    {
        var (batch, offset, rows) = slice;
        var classes = schema.Classes;
        var topK = Math.Min(request.TopK, classes.Length);
        bool Wants(string name) => request.Outputs is null
            ? name is not (TopKLabelsOutput or TopKProbabilitiesOutput) || topK > 0
            : request.Outputs.Contains(name);

        writer.WriteStartObject();
        writer.WriteString("model_name", modelName);
        writer.WriteString("model_version", version);
        if (request.Id is not null)
        {
            writer.WriteString("id", request.Id);
        }

        writer.WriteStartArray("outputs");
        if (schema.IsClassification)
        {
            if (Wants(LabelOutput))
            {
                StartTensor(writer, LabelOutput, "BYTES", rows);
                var encoded = schema.EncodedClasses;
                for (var r = 0; r < rows; r++)
                {
                    writer.WriteStringValue(encoded[batch.ClassIndex[offset + r]]);
                }

                EndTensor(writer);
            }

            if (Wants(ProbabilitiesOutput))
            {
                StartTensor(writer, ProbabilitiesOutput, "FP32", rows, classes.Length, ("classes", schema.ClassList));
                var probabilities = batch.Probabilities.AsSpan(offset * classes.Length, rows * classes.Length);
                foreach (var p in probabilities)
                {
                    WriteProbability(writer, p);
                }

                EndTensor(writer);
            }

            if (topK > 0 && (Wants(TopKLabelsOutput) || Wants(TopKProbabilitiesOutput)))
            {
                var order = TopK(batch, offset, rows, topK);
                if (Wants(TopKLabelsOutput))
                {
                    StartTensor(writer, TopKLabelsOutput, "BYTES", rows, topK);
                    foreach (var c in order)
                    {
                        writer.WriteStringValue(classes[c.Class]);
                    }

                    EndTensor(writer);
                }

                if (Wants(TopKProbabilitiesOutput))
                {
                    StartTensor(writer, TopKProbabilitiesOutput, "FP32", rows, topK);
                    foreach (var c in order)
                    {
                        WriteProbability(writer, c.Probability);
                    }

                    EndTensor(writer);
                }
            }
        }
        else if (Wants(ValueOutput))
        {
            StartTensor(writer, ValueOutput, "FP64", rows);
            for (var r = 0; r < rows; r++)
            {
                writer.WriteNumberValue(batch.Values[offset + r]);
            }

            EndTensor(writer);
        }

        if (Wants(IdOutput))
        {
            StartTensor(writer, IdOutput, "BYTES", rows);
            // Ids are hex digits and '-', never escaped: write them quoted as they are, without the escaping scan.
            Span<byte> id = stackalloc byte[Monitoring.PredictionIds.MaxLength + 2];
            id[0] = (byte)'"';
            for (var r = 0; r < rows; r++)
            {
                var length = batch.FormatId(offset + r, id[1..]);
                id[length + 1] = (byte)'"';
                writer.WriteRawValue(id[..(length + 2)], skipInputValidation: true);
            }

            EndTensor(writer);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    public static void WriteRecords(Utf8JsonWriter writer, string modelName, string version, ModelSchema schema, InferRequest request, PredictionSlice slice)
    {
        var (batch, offset, rows) = slice;
        var classes = schema.Classes;
        var topK = request.TopK > 0 ? Math.Min(request.TopK, classes.Length) : classes.Length;
        writer.WriteStartObject();
        writer.WriteString("model_name", modelName);
        writer.WriteString("model_version", version);
        if (request.Id is not null)
        {
            writer.WriteString("id", request.Id);
        }

        writer.WriteStartArray("predictions");
        Span<byte> id = stackalloc byte[Monitoring.PredictionIds.MaxLength];
        for (var r = 0; r < rows; r++)
        {
            writer.WriteStartObject();
            writer.WriteString("id"u8, id[..batch.FormatId(offset + r, id)]);
            if (schema.IsClassification)
            {
                writer.WriteString("label"u8, schema.EncodedClasses[batch.ClassIndex[offset + r]]);
                writer.WriteStartObject("probabilities");
                if (request.TopK > 0)
                {
                    foreach (var c in TopK(batch, offset + r, 1, topK))
                    {
                        writer.WritePropertyName(schema.EncodedClasses[c.Class]);
                        WriteProbability(writer, c.Probability);
                    }
                }
                else
                {
                    for (var c = 0; c < classes.Length; c++)
                    {
                        writer.WritePropertyName(schema.EncodedClasses[c]);
                        WriteProbability(writer, batch.Probabilities[((offset + r) * classes.Length) + c]);
                    }
                }

                writer.WriteEndObject();
            }
            else
            {
                writer.WriteNumber("value", batch.Values[offset + r]);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    public static void WriteError(Utf8JsonWriter writer, string message)
    {
        writer.WriteStartObject();
        writer.WriteString("error", message);
        writer.WriteEndObject();
    }

    /// <summary>A probability as the shortest text that reads back as the same float, as the writer would write it, faster.</summary>
    private static void WriteProbability(Utf8JsonWriter writer, float probability)
    {
        Span<byte> text = stackalloc byte[ShortestFloat.MaxLength];
        if (ShortestFloat.TryFormat(probability, text, out var length))
        {
            writer.WriteRawValue(text[..length], skipInputValidation: true);
        }
        else
        {
            writer.WriteNumberValue(probability);
        }
    }

    /// <summary>The k most probable classes of each row, row after row, most probable first.</summary>
    private static List<(int Class, float Probability)> TopK(PredictionBatch batch, int offset, int rows, int k)
    {
        var classes = batch.ClassCount;
        var result = new List<(int, float)>(rows * k);
        for (var r = 0; r < rows; r++)
        {
            var probabilities = batch.Probabilities;
            var start = (offset + r) * classes;
            var order = Enumerable.Range(0, classes).OrderByDescending(c => probabilities[start + c]).ThenBy(c => c).Take(k);
            foreach (var c in order)
            {
                result.Add((c, probabilities[start + c]));
            }
        }

        return result;
    }

    private static void StartTensor(Utf8JsonWriter writer, string name, string datatype, int rows, int columns = 0, (string Key, string Value)? parameter = null)
    {
        writer.WriteStartObject();
        writer.WriteString("name", name);
        writer.WriteString("datatype", datatype);
        writer.WriteStartArray("shape");
        writer.WriteNumberValue(rows);
        if (columns > 0)
        {
            writer.WriteNumberValue(columns);
        }

        writer.WriteEndArray();
        if (parameter is { } p)
        {
            writer.WriteStartObject("parameters");
            writer.WriteString(p.Key, p.Value);
            writer.WriteEndObject();
        }

        writer.WriteStartArray("data");
    }

    private static void EndTensor(Utf8JsonWriter writer)
    {
        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}
