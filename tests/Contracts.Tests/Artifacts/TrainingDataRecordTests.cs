using System.Text.Json.Nodes;
using Flywheel.Contracts.Artifacts;

namespace Flywheel.Contracts.Tests.Artifacts;

public sealed class TrainingDataRecordTests
{
    [Fact]
    public void The_training_data_record_round_trips_and_is_omitted_when_absent()
    {
        var manifest = ManifestJsonTests.Sample() with
        {
            TrainingData = new TrainingDataRecord
            {
                Sources = ["part-1.csv", "feedback-0001.jsonl"],
                RowsLoaded = 1030,
                RowsUsed = 1000,
                RowsDropped = 30,
                CellsFilled = new Dictionary<string, long> { ["tenure"] = 12 },
                FeedbackRows = 30,
                Validation = "holdout 0.2",
                LabelConflicts = new LabelConflictRecord { Groups = 2, Rows = 4, Rate = 0.004, Policy = "majority", Relabelled = 2, Examples = ["rows a:1, a:9 (tenure=3) labelled \"true\"×1, \"false\"×1"] },
            },
        };

        var json = ManifestJson.Serialize(manifest);
        var copy = ManifestJson.Deserialize(json);

        Assert.Equal(1000, copy.TrainingData!.RowsUsed);
        Assert.Equal(manifest.TrainingData.Sources, copy.TrainingData.Sources);
        Assert.Equal(12, copy.TrainingData.CellsFilled["tenure"]);
        Assert.Equal("majority", copy.TrainingData.LabelConflicts!.Policy);
        Assert.Equal(0.004, (double)JsonNode.Parse(json)!["trainingData"]!["labelConflicts"]!["rate"]!);
        Assert.Null(JsonNode.Parse(ManifestJson.Serialize(ManifestJsonTests.Sample()))!["trainingData"]);
    }
}
