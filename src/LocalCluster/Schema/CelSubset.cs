using System.Text.Json.Nodes;

namespace Flywheel.ApiServer.Schema;

/// <summary>
/// The CEL rules this server evaluates. None yet: every rule reports "not evaluated" and the object is
/// accepted, which is what docs/benchmarks.md and the README state as a known gap.
/// </summary>
internal static class CelSubset
{
    public static bool TryEvaluate(string rule, JsonObject self, out bool passed)
    {
        _ = rule;
        _ = self;
        passed = true;
        return false;
    }
}
