namespace Flywheel.Contracts.Artifacts;

/// <summary>What the trainer did to the data before training: rows in and out, fills, label conflicts, validation.</summary>
public sealed record TrainingDataRecord
{
    /// <summary>Input files (names only) in the order they were read; the data digest covers them.</summary>
    public IReadOnlyList<string> Sources { get; init; } = [];

    /// <summary>Rows loaded, before cleaning (feedback rows included).</summary>
    public required long RowsLoaded { get; init; }

    /// <summary>Rows the models were trained and validated on.</summary>
    public required long RowsUsed { get; init; }

    /// <summary>Rows dropped for a missing label or, with <c>missing: drop</c>, a missing feature.</summary>
    public long RowsDropped { get; init; }

    /// <summary>Cells imputed, per feature.</summary>
    public IReadOnlyDictionary<string, long> CellsFilled { get; init; } = new Dictionary<string, long>();

    /// <summary>Rows that came from the inference server's prediction and feedback logs.</summary>
    public long FeedbackRows { get; init; }

    /// <summary>How the metrics were validated, e.g. <c>holdout 0.2</c> or <c>5-fold</c>.</summary>
    public required string Validation { get; init; }

    public LabelConflictRecord? LabelConflicts { get; init; }
}

/// <summary>Identical feature rows with different labels: how many, examples, and how they were resolved.</summary>
public sealed record LabelConflictRecord
{
    public required long Groups { get; init; }

    public required long Rows { get; init; }

    /// <summary>Share of rows in conflicting groups.</summary>
    public required double Rate { get; init; }

    /// <summary><c>majority</c>, <c>drop</c> or <c>fail</c>.</summary>
    public required string Policy { get; init; }

    public long Relabelled { get; init; }

    public long Dropped { get; init; }

    public IReadOnlyList<string> Examples { get; init; } = [];
}
