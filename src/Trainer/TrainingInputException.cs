namespace Flywheel.Trainer;

/// <summary>
/// Bad data or a bad spec: the trainer exits 2 and the message names the field, column or row and the fix.
/// Anything else that fails is an internal error (exit 1).
/// </summary>
public sealed class TrainingInputException(string message) : Exception(message);
