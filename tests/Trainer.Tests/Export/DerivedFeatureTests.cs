using Flywheel.Contracts.Training;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Flywheel.Trainer.Tests.Export;

public sealed class DerivedFeatureTests
{
    private static TrainingSpec WithDerived(TrainingSpec spec, params (string Name, string Expression)[] derived) =>
        spec with
        {
            Preprocessing = spec.Preprocessing with
            {
                Derived = [.. derived.Select(d => new DerivedFeatureSpec { Name = d.Name, Expression = d.Expression })],
            },
        };

    [Theory]
    [InlineData("lbfgsLogisticRegression")]
    [InlineData("fastTree")]
    public async Task Derived_features_are_computed_inside_the_graph_and_are_not_inputs(string algorithm)
    {
        using var dir = new TempDirectory();
        var data = new SyntheticData { Task = "binaryClassification", Rows = 800 }.WriteCsv(dir.File("data.csv"));
        var spec = WithDerived(
            Specs.For("binaryClassification", data, "csv", Specs.Candidate(algorithm)),
            ("ratio", "income / (age + 1)"),
            ("shifted", "-log(income) * 2 - -1.5 + sqrt(abs(age - 40)) + exp(0 - age / 100)"));

        var result = await TrainerRunner.RunAsync(spec, dir.File("store"), Specs.Quiet);

        Assert.Equal(["age", "income", "city", "plan"], result.Manifest.Onnx.Inputs.Select(i => i.Name));
        Assert.Equal(["age", "income", "city", "plan"], result.Manifest.Features.Select(f => f.Name));
        Assert.Equal(["ratio", "shifted"], result.Manifest.Preprocessing.Derived.Select(d => d.Name));
        Assert.Equal("income / (age + 1)", result.Manifest.Preprocessing.Derived[0].Expression);

        using var session = new InferenceSession(Path.Combine(result.VersionDirectory, "model.onnx"));
        Assert.Equal(["age", "city", "income", "plan"], session.InputMetadata.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("ratio.output", session.OutputMetadata.Keys);
        using var outputs = session.Run(
        [
            NamedOnnxValue.CreateFromTensor("age", new DenseTensor<float>(new[] { 30f, 59f }, [2, 1])),
            NamedOnnxValue.CreateFromTensor("income", new DenseTensor<float>(new[] { 62f, 10f }, [2, 1])),
            NamedOnnxValue.CreateFromTensor("city", new DenseTensor<string>(new[] { "oslo", "paris" }, [2, 1])),
            NamedOnnxValue.CreateFromTensor("plan", new DenseTensor<string>(new[] { "pro", "basic" }, [2, 1])),
        ], ["ratio.output", "shifted.output"]);
        Assert.Equal([62f / 31f, 10f / 60f], outputs.Single(o => o.Name == "ratio.output").AsTensor<float>().ToArray());
        var shifted = outputs.Single(o => o.Name == "shifted.output").AsTensor<float>().ToArray();
        Assert.Equal((-MathF.Log(62f) * 2) + 1.5f + MathF.Sqrt(10f) + MathF.Exp(-0.3f), shifted[0], 4);
    }

    [Theory]
    [InlineData("income / (age + ", "expression ends early")]
    [InlineData("income * tenure", "'tenure' is not a numeric feature")]
    [InlineData("city + 1", "'city' is not a numeric feature")]
    [InlineData("pow(age)", "unknown function 'pow'; use log, sqrt, abs, exp")]
    public async Task A_bad_expression_names_the_field_and_the_position(string expression, string expected)
    {
        using var dir = new TempDirectory();
        var data = new SyntheticData { Task = "binaryClassification", Rows = 50 }.WriteCsv(dir.File("data.csv"));

        var ex = await Assert.ThrowsAsync<TrainingInputException>(() =>
            TrainerRunner.RunAsync(WithDerived(Specs.For("binaryClassification", data), ("x", expression)), dir.File("store"), Specs.Quiet));

        Assert.Contains("spec field preprocessing.derived[0].expression: ", ex.Message);
        Assert.Contains(expected, ex.Message);
        Assert.Contains("at position ", ex.Message);
    }

    [Fact]
    public async Task A_derived_value_that_is_not_finite_names_the_row()
    {
        using var dir = new TempDirectory();
        await File.WriteAllTextAsync(dir.File("data.csv"), "age,income,city,plan,label\n30,1,oslo,pro,yes\n0,2,oslo,pro,no\n");

        var ex = await Assert.ThrowsAsync<TrainingInputException>(() =>
            TrainerRunner.RunAsync(WithDerived(Specs.For("binaryClassification", dir.File("data.csv")), ("perYear", "income / age")), dir.File("store"), Specs.Quiet));

        Assert.Contains("'perYear' = income / age is not finite at row data.csv:3 (income=2, age=0)", ex.Message);
    }
}
