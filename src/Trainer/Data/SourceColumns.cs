namespace Flywheel.Trainer.Data;

/// <summary>Maps the requested columns onto a source's columns, failing with the missing name and the fix.</summary>
internal static class SourceColumns
{
    public static int[] Resolve(IReadOnlyList<ColumnRequest> requests, IReadOnlyList<string> available, string source)
    {
        var indexes = new int[requests.Count];
        for (var i = 0; i < requests.Count; i++)
        {
            var index = -1;
            for (var j = 0; j < available.Count; j++)
            {
                if (string.Equals(available[j], requests[i].Name, StringComparison.Ordinal))
                {
                    index = j;
                    break;
                }
            }

            if (index < 0)
            {
                throw new TrainingInputException(Missing(requests[i], available, source));
            }

            indexes[i] = index;
        }

        return indexes;
    }

    public static string Missing(ColumnRequest request, IReadOnlyList<string> available, string source)
    {
        var what = request.Role == "label" ? "label column" : "feature";
        var shown = string.Join(", ", available.Take(30));
        return $"{what} '{request.Name}' is not a column of {source} (columns: {shown}); fix {request.SpecField} or the data";
    }
}
