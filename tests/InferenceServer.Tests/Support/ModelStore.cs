namespace Flywheel.InferenceServer.Tests.Support;

/// <summary>
/// Trains the test models once per test run into a temporary store laid out like the real one:
/// <c>&lt;store&gt;/default/movies/&lt;version&gt;/</c> (binary), <c>.../ratings/1.0</c> (multiclass).
/// </summary>
public sealed class ModelStore : IDisposable
{
    public ModelStore()
    {
        Root = Path.Combine(Path.GetTempPath(), "flywheel-inference-tests-" + Guid.NewGuid().ToString("N"));
        BinaryDirectory = Path.Combine(Root, "default", "movies");
        MulticlassDirectory = Path.Combine(Root, "default", "ratings");
        TestModels.Write(BinaryDirectory, TestModelKind.Binary, "1.0");
        TestModels.Write(MulticlassDirectory, TestModelKind.Multiclass, "1.0", name: "ratings");
    }

    public string Root { get; }

    /// <summary>The binary model's folder; version 1.0 inside.</summary>
    public string BinaryDirectory { get; }

    public string MulticlassDirectory { get; }

    /// <summary>A fresh copy of the binary model folder that a test may change (add versions, tamper).</summary>
    public string CopyBinary()
    {
        var target = Path.Combine(Root, "copies", Guid.NewGuid().ToString("N"));
        foreach (var file in Directory.EnumerateFiles(BinaryDirectory, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(BinaryDirectory, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }

        return target;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A log file may still be closing; the temp folder is cleaned by the OS.
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ServerCollection : ICollectionFixture<ModelStore>
{
    public const string Name = "inference server";
}
