namespace Flywheel.Contracts.Monitoring;

/// <summary>
/// Drift between observed bin counts and baseline shares. Works on counts, not shares, so that replicas
/// merge exactly: sum their counts, then compute drift once.
/// </summary>
public static class DriftMath
{
    /// <summary>Share given to an empty bin so that logarithms stay finite (the usual PSI smoothing).</summary>
    public const double Epsilon = 1e-4;

    /// <summary>Parses <c>psi</c>, <c>jensenShannon</c> (or <c>js</c>) and <c>wasserstein</c>; the error lists the choices.</summary>
    public static DriftMethod ParseMethod(string text) => text.Trim().ToLowerInvariant() switch
    {
        "psi" => DriftMethod.Psi,
        "jensenshannon" or "jensen-shannon" or "js" => DriftMethod.JensenShannon,
        "wasserstein" => DriftMethod.Wasserstein,
        _ => throw new ArgumentException($"drift method \"{text}\" is not known; use psi, jensenShannon or wasserstein"),
    };

    /// <summary>
    /// Drift of <paramref name="counts"/> from <paramref name="baseline"/> (shares, same length). Returns 0 for
    /// an empty window. <paramref name="ordered"/> says whether bins have an order (numeric) for Wasserstein.
    /// </summary>
    public static double Compute(DriftMethod method, IReadOnlyList<long> counts, IReadOnlyList<double> baseline, bool ordered = true)
    {
        if (counts.Count != baseline.Count)
        {
            throw new ArgumentException($"counts has {counts.Count} bins but baseline has {baseline.Count}; they must match");
        }

        long total = 0;
        foreach (var count in counts)
        {
            total += count;
        }

        if (total == 0)
        {
            return 0;
        }

        var observed = new double[counts.Count];
        for (var i = 0; i < counts.Count; i++)
        {
            observed[i] = counts[i] / (double)total;
        }

        var expected = Normalize(baseline);
        return method switch
        {
            DriftMethod.Psi => Psi(observed, expected),
            DriftMethod.JensenShannon => JensenShannon(observed, expected),
            DriftMethod.Wasserstein => ordered ? Wasserstein(observed, expected) : TotalVariation(observed, expected),
            _ => throw new ArgumentOutOfRangeException(nameof(method), method, "unknown drift method"),
        };
    }

    public static double Psi(IReadOnlyList<double> observed, IReadOnlyList<double> expected)
    {
        var sum = 0.0;
        for (var i = 0; i < observed.Count; i++)
        {
            var p = Math.Max(observed[i], Epsilon);
            var q = Math.Max(expected[i], Epsilon);
            sum += (p - q) * Math.Log(p / q);
        }

        return sum;
    }

    public static double JensenShannon(IReadOnlyList<double> observed, IReadOnlyList<double> expected)
    {
        var sum = 0.0;
        for (var i = 0; i < observed.Count; i++)
        {
            var p = observed[i];
            var q = expected[i];
            var m = (p + q) / 2;
            if (p > 0)
            {
                sum += 0.5 * p * Math.Log2(p / m);
            }

            if (q > 0)
            {
                sum += 0.5 * q * Math.Log2(q / m);
            }
        }

        return Math.Clamp(sum, 0, 1);
    }

    /// <summary>Earth mover's distance between the bin distributions, bins one unit apart, divided by the span.</summary>
    public static double Wasserstein(IReadOnlyList<double> observed, IReadOnlyList<double> expected)
    {
        if (observed.Count < 2)
        {
            return 0;
        }

        double cdfP = 0, cdfQ = 0, sum = 0;
        for (var i = 0; i < observed.Count - 1; i++)
        {
            cdfP += observed[i];
            cdfQ += expected[i];
            sum += Math.Abs(cdfP - cdfQ);
        }

        return sum / (observed.Count - 1);
    }

    public static double TotalVariation(IReadOnlyList<double> observed, IReadOnlyList<double> expected)
    {
        var sum = 0.0;
        for (var i = 0; i < observed.Count; i++)
        {
            sum += Math.Abs(observed[i] - expected[i]);
        }

        return sum / 2;
    }

    /// <summary>Index of the bin a value falls in: n inner edges make n+1 bins, a value on an edge goes up.</summary>
    public static int BinIndex(ReadOnlySpan<double> innerEdges, double value)
    {
        int lo = 0, hi = innerEdges.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (value >= innerEdges[mid])
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    private static double[] Normalize(IReadOnlyList<double> shares)
    {
        var total = 0.0;
        foreach (var share in shares)
        {
            total += share;
        }

        var result = new double[shares.Count];
        for (var i = 0; i < shares.Count; i++)
        {
            result[i] = total > 0 ? shares[i] / total : 0;
        }

        return result;
    }
}
