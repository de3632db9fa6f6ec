using Flywheel.Operator.Builders;
using Flywheel.Operator.Store;

namespace Flywheel.Operator.Tests.Store;

public sealed class ModelStoreTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("flywheel-store-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private ModelStore Store() => new(new OperatorSettings { ModelStoreRoot = _root });

    private string Version(string version)
    {
        var dir = Path.Combine(_root, "ml", "churn", version);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "model.onnx"), "x");
        return dir;
    }

    [Fact]
    public void Deleting_a_version_removes_only_its_folder()
    {
        var old = Version("1.0");
        var kept = Version("1.1");

        Assert.True(Store().DeleteVersion("ml", "churn", "1.0"));
        Assert.False(Store().DeleteVersion("ml", "churn", "1.0"));

        Assert.False(Directory.Exists(old));
        Assert.True(File.Exists(Path.Combine(kept, "model.onnx")));
    }

    [Fact]
    public void Deleting_a_model_removes_every_version()
    {
        Version("1.0");
        Version("2.0");

        Assert.True(Store().DeleteModel("ml", "churn"));

        Assert.False(Directory.Exists(Path.Combine(_root, "ml", "churn")));
        Assert.True(Directory.Exists(Path.Combine(_root, "ml")));
    }

    [Theory]
    [InlineData("..")]
    [InlineData("a/b")]
    [InlineData("")]
    public void Names_that_climb_out_of_the_store_are_refused(string version)
    {
        var error = Assert.Throws<ArgumentException>(() => Store().DeleteVersion("ml", "churn", version));

        Assert.Contains("not a valid path segment", error.Message, StringComparison.Ordinal);
    }
}
