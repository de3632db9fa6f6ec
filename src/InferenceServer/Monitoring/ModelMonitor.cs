using System.Buffers;
using Flywheel.Contracts.Monitoring;
using Flywheel.InferenceServer.Pipeline;
using Prometheus;

namespace Flywheel.InferenceServer.Monitoring;

/// <summary>
/// Monitoring of one served version: input and prediction distributions (cumulative counters and a sliding
/// window for drift), and feedback. Drift and ratio gauges are computed only when scraped or summarised.
/// </summary>
internal sealed class ModelMonitor
{
    private readonly ModelSchema _schema;
    private readonly ServerMetrics _metrics;
    private readonly DriftMethod _method;
    private readonly string _methodLabel;
    private readonly string[] _identity;
    private readonly SlidingWindow _window;
    private readonly FeedbackTracker _feedback;
    private readonly Counter.Child[][] _binCounters;
    private readonly Counter.Child[] _predictionCounters;
    private readonly Histogram.Child? _predictionValues;
    private readonly int _distributions;
    private long _total;

    public ModelMonitor(ModelSchema schema, ServerMetrics metrics, DriftMethod method, int windowRows, string @namespace, string model, string version, TimeProvider? time = null)
    {
        Requests = new RequestWindowTracker(time ?? TimeProvider.System, ServerMetrics.LatencyBuckets, RequestWindowTracker.DefaultWindow);
        _schema = schema;
        _metrics = metrics;
        _method = method;
        _methodLabel = method switch
        {
            DriftMethod.JensenShannon => "jensen_shannon",
            DriftMethod.Wasserstein => "wasserstein",
            _ => "psi",
        };
        _identity = [@namespace, model, version];
        _distributions = schema.Features.Count + 1;
        _window = new SlidingWindow(windowRows, [.. schema.Features.Select(f => f.BinNames.Length), schema.PredictionBins.Length]);
        _feedback = new FeedbackTracker(windowRows);
        _binCounters = [.. schema.Features.Select(f => f.BinNames.Select(bin => f.IsNumeric
            ? metrics.InputBins.WithLabels(@namespace, model, version, f.Name, bin)
            : metrics.InputCategories.WithLabels(@namespace, model, version, f.Name, bin)).ToArray())];
        if (schema.IsClassification)
        {
            _predictionCounters = [.. schema.Classes.Select(c => metrics.Predictions.WithLabels(@namespace, model, version, c))];
        }
        else
        {
            _predictionCounters = [];
            var histogram = metrics.Factory.CreateHistogram(
                Contracts.Metrics.MetricNames.PredictionValue.Name,
                Contracts.Metrics.MetricNames.PredictionValue.Help,
                new HistogramConfiguration { LabelNames = Contracts.Metrics.MetricNames.PredictionValue.LabelNames, Buckets = schema.PredictionEdges.Length > 0 ? schema.PredictionEdges : [0] });
            _predictionValues = histogram.WithLabels(@namespace, model, version);
        }
    }

    public string Version => _identity[2];

    /// <summary>This version's requests by outcome and latency over the last minutes.</summary>
    public RequestWindowTracker Requests { get; }

    public ModelSchema Schema => _schema;

    /// <summary>
    /// Bins one batch's inputs and predictions and hands them to the window, which also keeps the totals the
    /// input and prediction counters are set to before each scrape (see <see cref="UpdateGauges"/>).
    /// </summary>
    public void Record(FeatureBatch batch, PredictionBatch predictions)
    {
        var rows = batch.Rows;
        // One pooled array for every distribution's bins, which the window returns: nothing allocated per batch.
        var bins = ArrayPool<ushort>.Shared.Rent(_distributions * rows);
        try
        {
            for (var f = 0; f < _schema.Features.Count; f++)
            {
                var feature = _schema.Features[f];
                var column = bins.AsSpan(f * rows, rows);
                if (feature.IsNumeric)
                {
                    var values = batch.Numeric[f]!.AsSpan(0, rows);
                    var edges = feature.BinEdges.AsSpan();
                    var missing = (ushort)feature.MissingBin;
                    for (var r = 0; r < rows; r++)
                    {
                        column[r] = double.IsNaN(values[r]) ? missing : (ushort)DriftMath.BinIndex(edges, values[r]);
                    }
                }
                else
                {
                    var values = batch.Text[f]!.AsSpan(0, rows);
                    var categories = feature.CategoryIndex;
                    var (unknown, missing) = (feature.UnknownBin, feature.MissingBin);
                    for (var r = 0; r < rows; r++)
                    {
                        var value = values[r];
                        column[r] = (ushort)(string.IsNullOrEmpty(value) ? missing
                            : categories.TryGetValue(value, out var known) ? known : unknown);
                    }
                }
            }

            var predictionBins = bins.AsSpan((_distributions - 1) * rows, rows);
            if (_schema.IsClassification)
            {
                for (var r = 0; r < rows; r++)
                {
                    predictionBins[r] = (ushort)predictions.ClassIndex[r];
                }
            }
            else
            {
                for (var r = 0; r < rows; r++)
                {
                    predictionBins[r] = (ushort)DriftMath.BinIndex(_schema.PredictionEdges, predictions.Values[r]);
                    _predictionValues!.Observe(predictions.Values[r]);
                }
            }

            _window.AddOwned(bins, rows);
            Interlocked.Add(ref _total, rows);
        }
        catch
        {
            ArrayPool<ushort>.Shared.Return(bins);
            throw;
        }
    }

    /// <summary>Records feedback on one of this version's predictions; returns the kind counted.</summary>
    public FeedbackKind AddFeedback(string? signal, string? label, int predictedClass)
    {
        FeedbackKind kind;
        if (label is not null)
        {
            kind = predictedClass >= 0 && _schema.Classes[predictedClass] == label ? FeedbackKind.Correct : FeedbackKind.Wrong;
        }
        else
        {
            kind = signal == "positive" ? FeedbackKind.Positive : FeedbackKind.Negative;
        }

        _feedback.Add(kind);
        _metrics.Feedback.WithLabels(_identity[0], _identity[1], _identity[2], label is not null ? "label" : signal!).Inc();
        return kind;
    }

    /// <summary>Sets the input and prediction counters to the window's totals, and the drift, ratio and window gauges; called before each scrape.</summary>
    public void UpdateGauges()
    {
        var window = _window.Snapshot();
        var totals = window.Totals;
        for (var f = 0; f < _binCounters.Length; f++)
        {
            for (var b = 0; b < _binCounters[f].Length; b++)
            {
                _binCounters[f][b].IncTo(totals[f][b]);
            }
        }

        for (var c = 0; c < _predictionCounters.Length; c++)
        {
            _predictionCounters[c].IncTo(totals[_distributions - 1][c]);
        }

        var summary = Summary("gauges", DateTimeOffset.UnixEpoch, window);
        foreach (var feature in summary.Features)
        {
            _metrics.InputDrift.WithLabels(_identity[0], _identity[1], _identity[2], feature.Name, _methodLabel).Set(feature.Drift);
            if (feature.Type == "categorical")
            {
                _metrics.UnknownRatio.WithLabels(_identity[0], _identity[1], _identity[2], feature.Name).Set(feature.UnknownRate);
            }
        }

        _metrics.PredictionDrift.WithLabels(_identity[0], _identity[1], _identity[2], _methodLabel).Set(summary.Predictions.Drift);
        _metrics.WindowSamples.WithLabels(_identity).Set(summary.Samples);
        _metrics.LabeledSamples.WithLabels(_identity).Set(summary.Feedback.Labeled);
        if (summary.Feedback.PositiveRatio is { } ratio)
        {
            _metrics.PositiveRatio.WithLabels(_identity).Set(ratio);
        }

        if (summary.Feedback.Accuracy is { } accuracy)
        {
            _metrics.LiveAccuracy.WithLabels(_identity).Set(accuracy);
        }
    }

    public MonitoringSummary Summary(string replica, DateTimeOffset now) => Summary(replica, now, _window.Snapshot());

    private MonitoringSummary Summary(string replica, DateTimeOffset now, WindowSnapshot window)
    {
        var (counts, _, rows) = window;
        var features = new List<FeatureWindow>();
        for (var f = 0; f < _schema.Features.Count; f++)
        {
            var feature = _schema.Features[f];
            var c = counts[f];
            var unknown = feature.IsNumeric ? 0 : c[feature.UnknownBin];
            features.Add(new FeatureWindow
            {
                Name = feature.Name,
                Type = feature.IsNumeric ? "numeric" : "categorical",
                Bins = feature.BinNames,
                Counts = c,
                Baseline = feature.BaselineShares,
                BinEdges = feature.IsNumeric ? feature.BinEdges : null,
                Samples = rows,
                Unknown = unknown,
                Missing = c[feature.MissingBin],
                UnknownRate = rows > 0 ? unknown / (double)rows : 0,
                Drift = DriftMath.Compute(_method, c, feature.BaselineShares, feature.IsNumeric),
            });
        }

        var predictionCounts = counts[_distributions - 1];
        var (positive, negative, correct, wrong) = _feedback.Snapshot();
        return new MonitoringSummary
        {
            Namespace = _identity[0],
            Model = _identity[1],
            Version = _identity[2],
            Replicas = [replica],
            Timestamp = now,
            DriftMethod = _method,
            WindowCapacity = _window.Capacity,
            Samples = rows,
            TotalPredictions = Interlocked.Read(ref _total),
            Features = features,
            Predictions = new DistributionWindow
            {
                Bins = _schema.PredictionBins,
                Counts = predictionCounts,
                Baseline = _schema.PredictionBaseline,
                BinEdges = _schema.IsClassification ? null : _schema.PredictionEdges,
                Samples = rows,
                Drift = DriftMath.Compute(_method, predictionCounts, _schema.PredictionBaseline, !_schema.IsClassification),
            },
            Feedback = new FeedbackWindow
            {
                WindowCapacity = _feedback.Capacity,
                Positive = positive,
                Negative = negative,
                Labeled = correct + wrong,
                Correct = correct,
                PositiveRatio = positive + negative > 0 ? positive / (double)(positive + negative) : null,
                Accuracy = correct + wrong > 0 ? correct / (double)(correct + wrong) : null,
            },
            Requests = Requests.Snapshot(),
        };
    }
}
