using Flywheel.Operator.Crds.Validation;
using Flywheel.Testing;

namespace Flywheel.Operator.Tests.Crds.Validation;

public sealed class ManifestValidatorTests
{
    private static readonly ManifestValidator Validator = ManifestValidator.CreateDefault();

    public static TheoryData<string> Samples() => [.. SampleFiles()];

    private static IEnumerable<string> SampleFiles() =>
        Directory.GetFiles(Path.Combine(TestTools.RepositoryRoot, "deploy", "samples"), "*.yaml", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(TestTools.RepositoryRoot, f)).Order(StringComparer.Ordinal);

    public static TheoryData<string> InvalidExamples() =>
        [.. Directory.GetFiles(Path.Combine(TestTools.RepositoryRoot, "tests", "Operator.Tests", "Invalid"), "*.yaml")
            .Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(Samples))]
    public void Every_sample_is_valid(string file)
    {
        var results = Validator.ValidateYaml(File.ReadAllText(Path.Combine(TestTools.RepositoryRoot, file)));

        Assert.NotEmpty(results);
        Assert.All(results, r =>
        {
            Assert.True(r.Checked, $"{file}: {r.Kind} is not a Flywheel kind");
            Assert.True(r.IsValid, $"{file}: {r.Kind}/{r.Name}: {string.Join("; ", r.Errors)}");
        });
    }

    [Fact]
    public void Samples_cover_every_kind_for_both_use_cases()
    {
        var kinds = SampleFiles()
            .SelectMany(f => Validator.ValidateYaml(File.ReadAllText(Path.Combine(TestTools.RepositoryRoot, f))).Select(r => (Folder: Path.GetFileName(Path.GetDirectoryName(f)), r.Kind)))
            .ToLookup(x => x.Folder, x => x.Kind);

        Assert.Equal(["Model", "ModelDeployment", "RetrainPolicy", "TrainingRun"], kinds["churn"].Order(StringComparer.Ordinal));
        Assert.Equal(["Model", "ModelDeployment", "RetrainPolicy"], kinds["movie-genres"].Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(InvalidExamples))]
    public void Every_invalid_example_is_rejected_naming_its_field(string file)
    {
        var text = File.ReadAllText(Path.Combine(TestTools.RepositoryRoot, "tests", "Operator.Tests", "Invalid", file));
        var expected = text.Split('\n')[0].Replace("# expect: ", string.Empty, StringComparison.Ordinal).Trim();

        var result = Assert.Single(Validator.ValidateYaml(text));

        Assert.False(result.IsValid, $"{file} was accepted");
        Assert.Contains(result.Errors, e => e.Path == expected);
    }

    [Fact]
    public void Errors_read_like_the_api_servers()
    {
        var result = Assert.Single(Validator.ValidateYaml("""
            apiVersion: flywheel.dev/v1alpha1
            kind: ModelDeployment
            metadata: {name: x}
            spec:
              modelRef: {name: churn}
              replicas: "two"
              minReplicas: 5
              maxReplicas: 3
              executionProvider: tpu
              extra: 1
            """));

        var messages = result.Errors.Select(e => e.ToString()).ToList();
        Assert.Contains("spec.replicas: Invalid value: \"two\": spec.replicas in body must be of type integer: \"string\"", messages);
        Assert.Contains("spec.executionProvider: Unsupported value: \"tpu\": supported values: \"auto\", \"cuda\", \"cpu\"", messages);
        Assert.Contains(messages, m => m.StartsWith("spec.extra: unknown field", StringComparison.Ordinal));
    }

    [Fact]
    public void Cel_rules_run_once_the_schema_passes_and_report_their_field_path()
    {
        var result = Assert.Single(Validator.ValidateYaml("""
            apiVersion: flywheel.dev/v1alpha1
            kind: ModelDeployment
            metadata: {name: x}
            spec:
              modelRef: {name: churn}
              minReplicas: 5
              maxReplicas: 3
            """));

        var error = Assert.Single(result.Errors);
        Assert.Equal("spec.minReplicas", error.Path);
        Assert.Equal("Invalid value: \"object\": minReplicas must not be greater than maxReplicas", error.Message);
    }

    [Fact]
    public void Defaults_apply_before_rules()
    {
        // maxReplicas defaults to 10, so replicas 12 with the default hpa engine breaks the replicas rule.
        var result = Assert.Single(Validator.ValidateYaml("""
            apiVersion: flywheel.dev/v1alpha1
            kind: ModelDeployment
            metadata: {name: x}
            spec:
              modelRef: {name: churn}
              replicas: 12
              autoscaling: {metric: cpu}
            """));

        Assert.Equal("spec.replicas", Assert.Single(result.Errors).Path);
    }

    [Fact]
    public void Hyperparameter_spaces_take_values_or_a_range()
    {
        var result = Assert.Single(Validator.ValidateYaml("""
            apiVersion: flywheel.dev/v1alpha1
            kind: Model
            metadata: {name: x}
            spec:
              task: binaryClassification
              data: {source: "s3://b/k", labelColumn: y}
              training:
                candidates:
                  - algorithm: fastTree
                    hyperparameters:
                      numberOfLeaves: {values: [8, 16], min: 1, max: 2}
                      learningRate: {min: 0.5, max: 0.1}
                      l2: {min: 0, max: 1, scale: log}
                      ok: {values: [0.1, "auto", true]}
            """));

        var paths = result.Errors.Select(e => e.ToString()).ToList();
        Assert.Contains(paths, p => p.StartsWith("spec.training.candidates[0].hyperparameters.numberOfLeaves: ", StringComparison.Ordinal) && p.EndsWith("give either values or a range (min and max), not both", StringComparison.Ordinal));
        Assert.Contains(paths, p => p.StartsWith("spec.training.candidates[0].hyperparameters.learningRate.min: ", StringComparison.Ordinal) && p.EndsWith("min must not be greater than max", StringComparison.Ordinal));
        Assert.Contains(paths, p => p.StartsWith("spec.training.candidates[0].hyperparameters.l2.min: ", StringComparison.Ordinal) && p.EndsWith("a log-scale range needs min > 0", StringComparison.Ordinal));
        Assert.Equal(3, paths.Count);
    }

    [Fact]
    public void Other_kinds_are_skipped_and_unknown_flywheel_kinds_named()
    {
        var results = Validator.ValidateYaml("""
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: x}
            ---
            apiVersion: flywheel.dev/v1alpha1
            kind: Deployment
            metadata: {name: y}
            """);

        Assert.False(results[0].Checked);
        Assert.True(results[0].IsValid);
        Assert.Equal("kind", Assert.Single(results[1].Errors).Path);
        Assert.Contains("ModelDeployment", results[1].Errors[0].Message);
    }
}
