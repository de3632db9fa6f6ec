using Flywheel.Contracts.Artifacts;
using Flywheel.Trainer.Data;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Flywheel.Trainer.Features;

/// <summary>
/// An ML.NET view over loaded columns: numeric features as Single, categorical as text, and the label as
/// Boolean (binary), a key with the class names as key values (multiclass), or Single (regression).
/// Without a label it is the serving schema, which is what the ONNX graph's inputs are made from.
/// </summary>
internal sealed class FrameDataView : IDataView
{
    public const string LabelColumn = "Label";

    private readonly DataColumn[] _columns;
    private readonly LabelSet? _label;
    private readonly int _rowCount;

    public FrameDataView(DataTable table, IReadOnlyList<FeatureInfo> features, LabelSet? label)
    {
        _columns = [.. features.Select(f => table[f.Name])];
        _label = label;
        _rowCount = table.RowCount;
        var builder = new DataViewSchema.Builder();
        foreach (var feature in features)
        {
            builder.AddColumn(feature.Name, feature.IsNumeric ? NumberDataViewType.Single : TextDataViewType.Instance);
        }

        if (label is not null)
        {
            AddLabel(builder, label);
        }

        Schema = builder.ToSchema();
    }

    public bool CanShuffle => false;

    public DataViewSchema Schema { get; }

    public long? GetRowCount() => _rowCount;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) => new Cursor(this);

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) => [new Cursor(this)];

    private static void AddLabel(DataViewSchema.Builder builder, LabelSet label)
    {
        switch (label.Task)
        {
            case ModelTask.BinaryClassification:
                builder.AddColumn(LabelColumn, BooleanDataViewType.Instance);
                break;
            case ModelTask.MulticlassClassification:
                var annotations = new DataViewSchema.Annotations.Builder();
                var names = label.Classes.Select(c => c.AsMemory()).ToArray();
                annotations.Add(
                    "KeyValues",
                    new VectorDataViewType(TextDataViewType.Instance, names.Length),
                    (ref VBuffer<ReadOnlyMemory<char>> value) => value = new VBuffer<ReadOnlyMemory<char>>(names.Length, names));
                builder.AddColumn(LabelColumn, new KeyDataViewType(typeof(uint), names.Length), annotations.ToAnnotations());
                break;
            default:
                builder.AddColumn(LabelColumn, NumberDataViewType.Single);
                break;
        }
    }

    private sealed class Cursor(FrameDataView view) : DataViewRowCursor
    {
        private long _position = -1;

        public override long Position => _position;

        public override long Batch => 0;

        public override DataViewSchema Schema => view.Schema;

        public override bool IsColumnActive(DataViewSchema.Column column) => true;

        public override bool MoveNext()
        {
            if (_position + 1 < view._rowCount)
            {
                _position++;
                return true;
            }

            _position = view._rowCount;
            return false;
        }

        public override ValueGetter<DataViewRowId> GetIdGetter() =>
            (ref DataViewRowId value) => value = new DataViewRowId((ulong)_position, 0);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            Delegate getter;
            if (column.Index < view._columns.Length)
            {
                var source = view._columns[column.Index];
                if (source is NumericColumn numeric)
                {
                    var values = numeric.Values;
                    getter = (ValueGetter<float>)((ref float value) => value = (float)values[_position]);
                }
                else
                {
                    var values = ((TextColumn)source).Values;
                    getter = (ValueGetter<ReadOnlyMemory<char>>)((ref ReadOnlyMemory<char> value) => value = (values[_position] ?? "").AsMemory());
                }
            }
            else
            {
                var label = view._label!;
                getter = label.Task switch
                {
                    ModelTask.BinaryClassification => (ValueGetter<bool>)((ref bool value) => value = label.ClassIndex[_position] == 1),
                    ModelTask.MulticlassClassification => (ValueGetter<uint>)((ref uint value) => value = (uint)label.ClassIndex[_position] + 1),
                    _ => (ValueGetter<float>)((ref float value) => value = label.Values[_position]),
                };
            }

            return getter as ValueGetter<TValue>
                ?? throw new InvalidOperationException($"column '{column.Name}' is {column.Type}, not {typeof(TValue).Name}");
        }
    }
}
