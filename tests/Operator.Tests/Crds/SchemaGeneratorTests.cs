using Flywheel.Operator.Crds;
using k8s.Models;

namespace Flywheel.Operator.Tests.Crds;

public sealed class SchemaGeneratorTests
{
    private static readonly SchemaGenerator Generator = new(new XmlDocumentation());

    private static V1JSONSchemaProps Shapes() => Generator.ForType(typeof(Shapes));

    private static V1JSONSchemaProps Property(string name) => Shapes().Properties[name];

    [Fact]
    public void Object_properties_are_sorted_camel_case_and_skip_ignored_ones()
    {
        var names = Shapes().Properties.Keys.ToList();

        Assert.Equal(names.Order(StringComparer.Ordinal), names);
        Assert.Contains("renamed_field", names);
        Assert.Contains("fraction", names);
        Assert.DoesNotContain("ignored", names);
        Assert.DoesNotContain("Name", names);
    }

    [Fact]
    public void Required_attributes_fill_the_required_list()
    {
        Assert.Equal(["name"], Shapes().Required);
    }

    [Theory]
    [InlineData("name", "string", null)]
    [InlineData("count", "integer", "int32")]
    [InlineData("big", "integer", "int64")]
    [InlineData("fraction", "number", "double")]
    [InlineData("enabled", "boolean", null)]
    [InlineData("when", "string", "date-time")]
    [InlineData("items", "array", null)]
    [InlineData("labels", "object", null)]
    public void Clr_types_map_to_openapi_types(string property, string type, string? format)
    {
        Assert.Equal(type, Property(property).Type);
        Assert.Equal(format, Property(property).Format);
    }

    [Fact]
    public void Descriptions_come_from_xml_docs()
    {
        Assert.Equal("A bounded name.", Property("name").Description);
        Assert.Equal("The key.", ((V1JSONSchemaProps)Property("items").Items).Properties["key"].Description);
        Assert.Null(Property("renamed_field").Description);
    }

    [Fact]
    public void String_bounds_and_pattern()
    {
        var name = Property("name");
        Assert.Equal(1, name.MinLength);
        Assert.Equal(63, name.MaxLength);
        Assert.Equal("^[a-z]+$", name.Pattern);
    }

    [Fact]
    public void Number_ranges_and_exclusive_bounds()
    {
        var count = Property("count");
        Assert.Equal(1, count.Minimum);
        Assert.Equal(10, count.Maximum);
        Assert.Null(count.ExclusiveMinimum);
        var fraction = Property("fraction");
        Assert.Equal(0, fraction.Minimum);
        Assert.True(fraction.ExclusiveMinimum);
        Assert.True(fraction.ExclusiveMaximum);
    }

    [Fact]
    public void Defaults_carry_wire_values()
    {
        Assert.Equal(3L, Property("count").DefaultProperty);
        Assert.Equal(true, Property("enabled").DefaultProperty);
        Assert.Equal("darkRed", Property("colour").DefaultProperty);
        var nested = Assert.IsType<Dictionary<string, object>>(Property("nested").DefaultProperty);
        Assert.Equal(1L, nested["low"]);
    }

    [Fact]
    public void Enums_list_their_json_names_and_take_the_type_description()
    {
        var colour = Property("colour");
        Assert.Equal("string", colour.Type);
        Assert.Equal(["red", "darkRed"], colour.EnumProperty.Cast<string>());
        Assert.Equal("A colour.", colour.Description);
    }

    [Fact]
    public void List_map_and_set_annotations()
    {
        var items = Property("items");
        Assert.Equal("map", items.XKubernetesListType);
        Assert.Equal(["key"], items.XKubernetesListMapKeys);
        Assert.Equal(1, items.MinItems);
        Assert.Equal(5, items.MaxItems);
        Assert.Equal("object", ((V1JSONSchemaProps)items.Items).Type);
        Assert.Equal("set", Property("tags").XKubernetesListType);
        Assert.Equal("string", ((V1JSONSchemaProps)Property("tags").Items).Type);
    }

    [Fact]
    public void Dictionaries_become_additional_properties_with_property_bounds()
    {
        var labels = Property("labels");
        Assert.Equal("string", ((V1JSONSchemaProps)labels.AdditionalProperties).Type);
        Assert.Equal(8, labels.MaxProperties);
        Assert.Null(labels.Properties);
    }

    [Fact]
    public void Free_form_values_preserve_unknown_fields_without_a_type()
    {
        var anything = Property("anything");
        Assert.True(anything.XKubernetesPreserveUnknownFields);
        Assert.Null(anything.Type);
    }

    [Fact]
    public void Quantities_and_int_or_string_are_structural_any_of()
    {
        foreach (var name in new[] { "memory", "surge" })
        {
            var schema = Property(name);
            Assert.True(schema.XKubernetesIntOrString);
            Assert.Null(schema.Type);
            Assert.Equal(["integer", "string"], schema.AnyOf.Select(a => a.Type));
        }

        Assert.Equal(SchemaGenerator.QuantityPattern, Property("memory").Pattern);
        Assert.Null(Property("surge").Pattern);
    }

    [Fact]
    public void Class_and_property_cel_rules_land_on_their_schemas()
    {
        var rule = Assert.Single(Shapes().XKubernetesValidations);
        Assert.Equal("self.low <= self.high", rule.Rule);
        Assert.Equal("low must not exceed high", rule.Message);
        Assert.Equal(".low", rule.FieldPath);
        var uri = Assert.Single(Property("uri").XKubernetesValidations);
        Assert.Equal("self.startsWith('s3://')", uri.Rule);
        Assert.Null(uri.FieldPath);
    }

    [Fact]
    public void An_enum_member_without_a_wire_name_is_rejected_with_the_fix()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Generator.ForType(typeof(WithUnnamedEnum)));
        Assert.Contains("Unnamed.Plain", error.Message);
        Assert.Contains("[JsonStringEnumMemberName]", error.Message);
    }

    [Fact]
    public void A_list_map_key_must_be_required()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Generator.ForType(typeof(WithOptionalListKey)));
        Assert.Contains("'name'", error.Message);
        Assert.Contains("[Required]", error.Message);
    }
}
