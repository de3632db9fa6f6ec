namespace Flywheel.InferenceServer.Monitoring;

/// <summary>The bounded set of <c>outcome</c> label values.</summary>
internal static class RequestOutcome
{
    public const string Success = "success";
    public const string ClientError = "client_error";
    public const string Overloaded = "overloaded";
    public const string Unavailable = "unavailable";
    public const string ServerError = "server_error";

    public static readonly string[] All = [Success, ClientError, Overloaded, Unavailable, ServerError];
}
