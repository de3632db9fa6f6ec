using Flywheel.Contracts.Cli;

namespace Flywheel.Operator.Crds.Validation;

/// <summary>
/// <c>validate FILE...</c>: checks Flywheel manifests against the CRD schemas and CEL rules offline and
/// prints every error with its field path. Exit 0 when all are valid, 1 when any is not.
/// </summary>
internal static class ValidateCommand
{
    public static async Task<int> RunAsync(CommandLine args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        args.RejectUnknown();
        if (args.Positional.Count == 0)
        {
            throw new CommandLineException("validate needs at least one manifest file, for example: validate deploy/samples/churn/*.yaml");
        }

        var validator = ManifestValidator.CreateDefault();
        var invalid = 0;
        foreach (var file in args.Positional)
        {
            if (!File.Exists(file))
            {
                throw new CommandLineException($"manifest file \"{file}\" does not exist");
            }

            IReadOnlyList<ManifestResult> results;
            try
            {
                results = validator.ValidateYaml(await File.ReadAllTextAsync(file, cancellationToken));
            }
            catch (YamlDotNet.Core.YamlException ex)
            {
                await stderr.WriteLineAsync($"{file}: not valid YAML: {ex.Message}");
                invalid++;
                continue;
            }

            foreach (var result in results)
            {
                var what = $"{file}: {result.Kind}/{result.Name}";
                if (!result.Checked)
                {
                    await stdout.WriteLineAsync($"{what}: skipped (not a Flywheel kind)");
                }
                else if (result.IsValid)
                {
                    await stdout.WriteLineAsync($"{what}: valid");
                }
                else
                {
                    invalid++;
                    foreach (var error in result.Errors)
                    {
                        await stderr.WriteLineAsync($"{what}: {error}");
                    }
                }
            }
        }

        return invalid == 0 ? 0 : 1;
    }
}
