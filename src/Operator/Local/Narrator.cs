using System.Diagnostics;
using System.Globalization;

namespace Flywheel.Operator.Local;

/// <summary>Tells what the loop does as it happens, one timestamped line per event, and times each phase.</summary>
internal sealed class Narrator(TextWriter output)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<(string Phase, TimeSpan Duration, string Result)> _phases = [];
    private string? _phase;
    private TimeSpan _phaseStart;

    public IReadOnlyList<(string Phase, TimeSpan Duration, string Result)> Phases => _phases;

    public void Say(string text) =>
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{_clock.Elapsed.TotalSeconds,6:0.0}s] {text}"));

    public void Begin(string phase)
    {
        _phase = phase;
        _phaseStart = _clock.Elapsed;
        output.WriteLine();
        Say($"== {phase}");
    }

    public void End(string result)
    {
        if (_phase is null)
        {
            return;
        }

        _phases.Add((_phase, _clock.Elapsed - _phaseStart, result));
        Say($"   {result}");
        _phase = null;
    }

    /// <summary>The closing table: each phase, how long it took, and what it ended with.</summary>
    public void Summary()
    {
        var width = Math.Max(5, _phases.Count == 0 ? 0 : _phases.Max(p => p.Phase.Length));
        output.WriteLine();
        output.WriteLine($"{"Phase".PadRight(width)}  {"Seconds",8}  Result");
        output.WriteLine($"{new string('-', width)}  {new string('-', 8)}  {new string('-', 40)}");
        foreach (var (phase, duration, result) in _phases)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{phase.PadRight(width)}  {duration.TotalSeconds,8:0.0}  {result}"));
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"Total".PadRight(width)}  {_clock.Elapsed.TotalSeconds,8:0.0}"));
    }
}
