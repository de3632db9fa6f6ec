using System.Text.Json.Nodes;
using Flywheel.ApiServer.Schema;

namespace Flywheel.ApiServer.Tests.Schema;

public sealed class SchemaProcessorTests
{
    private static readonly StructuralSchema Schema = StructuralSchema.Parse((JsonObject)JsonNode.Parse("""
        {
          "type": "object",
          "properties": {
            "spec": {
              "type": "object",
              "required": ["name"],
              "x-kubernetes-validations": [{"rule": "!has(self.min) || !has(self.max) || self.min <= self.max", "message": "min must not exceed max"}],
              "properties": {
                "name": {"type": "string", "minLength": 2, "maxLength": 8, "pattern": "^[a-z]+$"},
                "min": {"type": "integer", "minimum": 0},
                "max": {"type": "integer", "exclusiveMaximum": true, "maximum": 100},
                "port": {"x-kubernetes-int-or-string": true},
                "ratio": {"type": "number", "default": 0.5},
                "mode": {"type": "string", "enum": ["a", "b"], "default": "a"},
                "when": {"type": "string", "format": "date-time"},
                "note": {"type": "string", "nullable": true},
                "tags": {"type": "array", "maxItems": 2, "items": {"type": "string"}},
                "extra": {"type": "object", "x-kubernetes-preserve-unknown-fields": true},
                "env": {"type": "object", "additionalProperties": {"type": "integer"}},
                "nested": {"type": "object", "default": {}, "properties": {"depth": {"type": "integer", "default": 3}}}
              }
            }
          }
        }
        """)!);

    private static (JsonObject Object, List<string> Pruned, List<FieldError> Errors) Run(string spec)
    {
        var obj = (JsonObject)JsonNode.Parse($"{{\"apiVersion\":\"x/v1\",\"kind\":\"X\",\"metadata\":{{\"name\":\"n\"}},\"spec\":{spec}}}")!;
        var (pruned, errors) = SchemaProcessor.Process(obj, Schema);
        return (obj, pruned, errors);
    }

    [Fact]
    public void Valid_object_is_defaulted_and_pruned()
    {
        var (obj, pruned, errors) = Run("""{"name":"ok","port":"http","note":null,"unknown":1,"extra":{"anything":{"goes":true}},"env":{"A":1}}""");

        Assert.Empty(errors);
        Assert.Equal(["spec.unknown"], pruned);
        Assert.Equal(0.5, (double?)obj["spec"]!["ratio"]);
        Assert.Equal("a", (string?)obj["spec"]!["mode"]);
        Assert.Equal(3, (int?)obj["spec"]!["nested"]!["depth"]);
        Assert.True(obj["spec"]!.AsObject().ContainsKey("note"));
        Assert.True((bool?)obj["spec"]!["extra"]!["anything"]!["goes"]);
    }

    [Theory]
    [InlineData("""{"min":1}""", "spec.name: Required value")]
    [InlineData("""{"name":"x"}""", "spec.name: Invalid value: \"x\": spec.name in body should be at least 2 chars long")]
    [InlineData("""{"name":"abcdefghi"}""", "spec.name: Too long: may not be more than 8 bytes")]
    [InlineData("""{"name":"AB"}""", "spec.name: Invalid value: \"AB\": spec.name in body should match '^[a-z]+$'")]
    [InlineData("""{"name":"ok","min":-1}""", "spec.min: Invalid value: -1: spec.min in body should be greater than or equal to 0")]
    [InlineData("""{"name":"ok","max":100}""", "spec.max: Invalid value: 100: spec.max in body should be less than 100")]
    [InlineData("""{"name":"ok","min":"1"}""", "spec.min: Invalid value: \"1\": spec.min in body must be of type integer: \"string\"")]
    [InlineData("""{"name":"ok","port":1.5}""", "spec.port: Invalid value: 1.5: spec.port in body must be of type integer,string: \"number\"")]
    [InlineData("""{"name":"ok","mode":"c"}""", "spec.mode: Unsupported value: \"c\": supported values: \"a\", \"b\"")]
    [InlineData("""{"name":"ok","when":"yesterday"}""", "spec.when: Invalid value: \"yesterday\": spec.when in body must be of type date-time: \"yesterday\"")]
    [InlineData("""{"name":"ok","tags":["a","b","c"]}""", "spec.tags: Too many: 3: must have at most 2 items")]
    [InlineData("""{"name":"ok","tags":[1]}""", "spec.tags[0]: Invalid value: 1: spec.tags[0] in body must be of type string: \"integer\"")]
    [InlineData("""{"name":"ok","env":{"A":"x"}}""", "spec.env.A: Invalid value: \"x\": spec.env.A in body must be of type integer: \"string\"")]
    [InlineData("""{"name":"ok","min":5,"max":3}""", "spec: Invalid value: \"object\": min must not exceed max")]
    public void Violations_name_the_field_as_the_api_server_does(string spec, string expected)
    {
        var (_, _, errors) = Run(spec);

        Assert.Equal(expected, Assert.Single(errors).ToString());
    }
}
