using System.Text;
using Flywheel.InferenceServer.Tests.Support;

namespace Flywheel.InferenceServer.Tests.Protocol;

/// <summary>Random mutations of valid bodies: every answer is 2xx or 4xx, never 5xx, and the server lives on.</summary>
[Collection(ServerCollection.Name)]
public sealed class FuzzTests(ModelStore store)
{
    private static readonly string[] Fragments =
    [
        "null", "true", "-1", "1e400", "\"NaN\"", "[]", "{}", "[[[", "\"\"", "0.5", "\"drama\"", "-9223372036854775809", "\"\\u0000\"", "]", "}", ",", ":",
    ];

    [Fact]
    public async Task Random_mutations_of_valid_bodies_never_get_a_5xx()
    {
        await using var server = await TestServer.StartAsync(store.BinaryDirectory);
        var seeds = new[]
        {
            TestServer.V2Body((30, 50_000, "drama"), (60, 80_000, "horror")),
            TestServer.RecordsBody((30, 50_000, "drama"), (60, 80_000, null)),
        };
        var random = new Random(1234);
        var statuses = new Dictionary<int, int>();
        for (var i = 0; i < 400; i++)
        {
            var seed = seeds[i % 2];
            var body = Mutate(seed, random);
            var path = i % 2 == 0 ? "/v2/models/movies/infer" : "/v2/models/movies/predict";
            using var response = await server.PostJsonAsync(path, body);
            var status = (int)response.StatusCode;
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            Assert.True(status is >= 200 and < 500, $"status {status} for body {body}: {await response.Content.ReadAsStringAsync()}");
        }

        Assert.True(statuses.GetValueOrDefault(400) > 50, string.Join(", ", statuses.Select(s => $"{s.Key}: {s.Value}")));
        Assert.Equal(200, (await server.GetAsync("/v2/health/live")).Status);
        Assert.Equal(200, (await server.PostAsync("/v2/models/movies/infer", seeds[0])).Status);
    }

    private static string Mutate(string seed, Random random)
    {
        var text = new StringBuilder(seed);
        var edits = random.Next(1, 4);
        for (var e = 0; e < edits; e++)
        {
            var at = random.Next(text.Length);
            switch (random.Next(5))
            {
                case 0:
                    text.Remove(at, Math.Min(random.Next(1, 12), text.Length - at));
                    break;
                case 1:
                    text.Insert(at, Fragments[random.Next(Fragments.Length)]);
                    break;
                case 2:
                    text[at] = (char)random.Next(32, 127);
                    break;
                case 3:
                    var digits = text.ToString().IndexOfAny("0123456789".ToCharArray(), at);
                    if (digits >= 0)
                    {
                        text.Insert(digits, random.Next(2) == 0 ? "-" : "99999999999");
                    }

                    break;
                default:
                    var quote = text.ToString().IndexOf('"', at);
                    if (quote >= 0)
                    {
                        text.Insert(quote + 1, "x");
                    }

                    break;
            }
        }

        return text.ToString();
    }
}
