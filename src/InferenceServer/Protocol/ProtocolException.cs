
namespace Flywheel.InferenceServer.Protocol;

/// <summary>A request the server refuses, with the HTTP status and a message that names the field and the fix.</summary>
internal sealed class ProtocolException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;

    public static ProtocolException BadRequest(string message) => new(StatusCodes.Status400BadRequest, message);
}
