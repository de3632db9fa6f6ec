using System.Text.Json;
using Flywheel.InferenceServer.Pipeline;

namespace Flywheel.InferenceServer.Protocol;

/// <summary>
/// Where a value sits in a request: a V2 input's element or a records row's field. Formatted only when an
/// error names it, so that a valid request builds no strings per value.
/// </summary>
internal readonly record struct ValueLocation(string Name, int Element, bool Records)
{
    /// <summary>What an error message starts with: <c>input 'age' element 3</c> or <c>instances[3].age</c>.</summary>
    public string What => Records ? $"instances[{Element}].{Name}" : $"input '{Name}' element {Element}";

    /// <summary>What must hold numbers: the V2 datatype, or the records feature.</summary>
    public string Needs(string kind) => Records ? $"feature '{Name}'" : kind;
}

/// <summary>Decodes a V2 tensor's <c>data</c> (flat or nested, row-major) into a feature column, checking every element.</summary>
internal static class TensorData
{
    public static void Read(ref Utf8JsonReader reader, FeatureSpec feature, string datatype, FeatureBatch batch, string name)
    {
        var what = $"input '{name}'";
        var kind = datatype switch
        {
            "FP32" or "FP64" or "INT32" or "INT64" or "BOOL" or "INT8" or "INT16" or "UINT8" or "UINT16" or "UINT32" or "UINT64" => datatype,
            "BYTES" => datatype,
            _ => throw ProtocolException.BadRequest($"{what} has datatype \"{datatype}\", which is not supported; use {V2RequestReader.SupportedDatatypes}"),
        };
        if (feature.IsNumeric && kind == "BYTES")
        {
            throw ProtocolException.BadRequest($"{what} has datatype BYTES but feature '{feature.Name}' is numeric; send FP32, FP64, INT32 or INT64");
        }

        if (!feature.IsNumeric && kind != "BYTES")
        {
            throw ProtocolException.BadRequest($"{what} has datatype {kind} but feature '{feature.Name}' is categorical; send BYTES (strings)");
        }

        var count = 0;
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw ProtocolException.BadRequest($"{what}: \"data\" must be an array of {batch.Rows} values");
        }

        ReadArray(ref reader, feature, kind, batch, name, ref count);
        if (count != batch.Rows)
        {
            throw ProtocolException.BadRequest($"{what} has {count} values but its shape says {batch.Rows} rows; the data length must equal the shape's product");
        }
    }

    private static void ReadArray(ref Utf8JsonReader reader, FeatureSpec feature, string kind, FeatureBatch batch, string name, ref int count)
    {
        var numbers = batch.Numeric[feature.Index];
        var texts = batch.Text[feature.Index];
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType == JsonTokenType.StartArray)
            {
                ReadArray(ref reader, feature, kind, batch, name, ref count);
                continue;
            }

            if (count >= batch.Rows)
            {
                throw ProtocolException.BadRequest($"input '{name}' has more values than its shape's {batch.Rows} rows; the data length must equal the shape's product");
            }

            if (numbers is not null)
            {
                numbers[count] = Number(ref reader, kind, new ValueLocation(name, count, Records: false));
            }
            else
            {
                texts![count] = reader.TokenType switch
                {
                    JsonTokenType.String => Category(ref reader, feature),
                    JsonTokenType.Null => null,
                    _ => throw ProtocolException.BadRequest($"input '{name}' element {count} is {Describe(ref reader)}; BYTES data must be strings (null for a missing value)"),
                };
            }

            count++;
        }
    }

    /// <summary>
    /// A categorical value: the vocabulary's own string when the value is in it (no allocation per row),
    /// else a new string.
    /// </summary>
    public static string Category(ref Utf8JsonReader reader, FeatureSpec feature)
    {
        var utf8 = reader.ValueSpan;
        if (!reader.ValueIsEscaped && !reader.HasValueSequence && utf8.Length <= 256)
        {
            Span<char> chars = stackalloc char[256];
            if (System.Text.Encoding.UTF8.TryGetChars(utf8, chars, out var length) && feature.CategoryLookup.TryGetValue(chars[..length], out var known))
            {
                return feature.Vocabulary[known];
            }
        }

        return reader.GetString()!;
    }

    /// <summary>A finite number of the datatype, or NaN for null (a missing value).</summary>
    public static double Number(ref Utf8JsonReader reader, string kind, in ValueLocation at)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Number:
                if (kind[0] is 'I' or 'U')
                {
                    return reader.TryGetInt64(out var whole)
                        ? whole
                        : throw ProtocolException.BadRequest($"{at.What} is {Describe(ref reader)}; {at.Needs(kind)} needs whole numbers");
                }

                if (!reader.TryGetDouble(out var value) || !double.IsFinite(value) || (kind == "FP32" && !float.IsFinite((float)value)))
                {
                    throw ProtocolException.BadRequest($"{at.What} is {Describe(ref reader)}, which is out of range for {at.Needs(kind)}; send a finite number");
                }

                return value;
            case JsonTokenType.Null:
                return double.NaN;
            case JsonTokenType.True or JsonTokenType.False when kind == "BOOL":
                return reader.TokenType == JsonTokenType.True ? 1 : 0;
            case JsonTokenType.String:
                var text = reader.GetString();
                if (text is "NaN" or "Infinity" or "-Infinity" or "inf" or "-inf" or "nan")
                {
                    throw ProtocolException.BadRequest($"{at.What} is \"{text}\"; NaN and Infinity are not accepted, send a finite number (null for a missing value)");
                }

                throw ProtocolException.BadRequest($"{at.What} is a string ({Quote(text)}); {at.Needs(kind)} needs numbers");
            default:
                throw ProtocolException.BadRequest($"{at.What} is {Describe(ref reader)}; {at.Needs(kind)} needs numbers (null for a missing value)");
        }
    }

    public static string Describe(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.String => $"a string ({Quote(reader.GetString())})",
        JsonTokenType.Number => $"the number {System.Text.Encoding.UTF8.GetString(reader.ValueSpan)}",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.Null => "null",
        _ => reader.TokenType.ToString(),
    };

    private static string Quote(string? text) => text is null ? "null" : "\"" + (text.Length > 40 ? text[..40] + "…" : text) + "\"";
}
