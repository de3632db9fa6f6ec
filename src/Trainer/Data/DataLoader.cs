using System.Security.Cryptography;
using Flywheel.Contracts.Artifacts;
using Flywheel.Trainer.Features;

namespace Flywheel.Trainer.Data;

/// <summary>What loading produced: the rows, the files read, their digest and the feedback join.</summary>
internal sealed record LoadedData(DataTable Table, IReadOnlyList<string> Files, string Digest, FeedbackJoinReport? Feedback);

/// <summary>Loads the spec's data source (and, with <c>includeFeedback</c>, the prediction logs) into one table.</summary>
internal static class DataLoader
{
    public static async Task<LoadedData> LoadAsync(ValidSpec spec, DataLocator locator, CancellationToken cancellationToken)
    {
        var data = spec.Spec.Data!;
        var requests = spec.Features.Select(f => new ColumnRequest(f.Name, f.IsNumeric, "feature"))
            .Append(new ColumnRequest(spec.LabelColumn, false, "label"))
            .ToList();
        var builder = new TableBuilder(requests);
        var files = await locator.ResolveAsync(data.Source!, data.Format, "data.source", cancellationToken);
        foreach (var file in files)
        {
            switch (data.Format)
            {
                case "parquet":
                    await ParquetSource.ReadAsync(file, builder, cancellationToken);
                    break;
                case "jsonl":
                    JsonlSource.Read(file, builder);
                    break;
                default:
                    CsvSource.Read(file, builder);
                    break;
            }
        }

        var allFiles = files.ToList();
        FeedbackJoinReport? feedback = null;
        if (data.IncludeFeedback)
        {
            var directory = await locator.ToLocalPathAsync(data.FeedbackLogs!, "data.feedbackLogs", cancellationToken);

            // Before the first version serves there are no logs yet: that is no feedback, not an error.
            if (Directory.Exists(directory))
            {
                var classes = spec.Task == ModelTask.BinaryClassification
                    ? ClassesSoFar(builder, spec.LabelColumn)
                    : [];
                feedback = FeedbackLogSource.Read(directory, builder, spec.LabelColumn, spec.Task, classes);
                allFiles.AddRange(FeedbackLogSource.Files(directory));
            }
        }

        return new LoadedData(builder.Build(), allFiles, await DigestAsync(allFiles, cancellationToken), feedback);
    }

    /// <summary>sha256 over each input file's name and bytes, in load order: <c>sha256:&lt;hex&gt;</c>.</summary>
    public static async Task<string> DigestAsync(IReadOnlyList<string> files, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 16];
        foreach (var file in files)
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes(Path.GetFileName(file) + "\n"));
            await using var stream = File.OpenRead(file);
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
            {
                hash.AppendData(buffer, 0, read);
            }
        }

        return "sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static IReadOnlyList<string> ClassesSoFar(TableBuilder builder, string labelColumn)
    {
        var table = builder.Build();
        var labels = ((TextColumn)table[labelColumn]).Values.Where(v => v is not null).Distinct(StringComparer.Ordinal).ToList();
        return labels.Count == 2 ? LabelSet.OrderBinary(labels!) : [];
    }
}
