using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Flywheel.ApiServer.Node;

/// <summary>
/// A container's main process, started in its own session (via setsid) so that the whole group it spawns
/// can be signalled at once, as a container runtime signals a container's cgroup. Output goes to a log file
/// written by the process itself, so nothing is lost when the node stops reading.
/// </summary>
internal sealed class ProcessGroup : IDisposable
{
    private const int SigKill = 9;
    private const int SigTerm = 15;
    private const string Redirect = "log=$1; shift; exec \"$@\" </dev/null >>\"$log\" 2>&1";

    private readonly Process _process;

    private ProcessGroup(Process process)
    {
        _process = process;
        Id = process.Id;
        Exited = process.WaitForExitAsync();
    }

    public int Id { get; }

    /// <summary>Completes when the main process exits.</summary>
    public Task Exited { get; }

    public int ExitCode => _process.ExitCode;

    public bool HasExited => Exited.IsCompleted;

    public static ProcessGroup Start(IReadOnlyList<string> commandLine, IReadOnlyDictionary<string, string> environment, string workingDirectory, string logPath)
    {
        var info = new ProcessStartInfo(File.Exists("/usr/bin/setsid") ? "/usr/bin/setsid" : "setsid")
        {
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var arg in new[] { "/bin/sh", "-c", Redirect, "sh", logPath }.Concat(commandLine))
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment.Clear();
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {commandLine[0]}");
        return new ProcessGroup(process);
    }

    /// <summary>SIGTERM to every process of the group, as a runtime stops a container.</summary>
    public void Terminate() => Send(SigTerm);

    /// <summary>SIGKILL to every process of the group, and to the main process's descendants that left it.</summary>
    public void Kill()
    {
        if (!HasExited)
        {
            try
            {
                _process.Kill(entireProcessTree: true);
            }
            catch (Exception e) when (e is InvalidOperationException or ObjectDisposedException or System.ComponentModel.Win32Exception)
            {
                // Exited meanwhile.
            }
        }

        Send(SigKill);
    }

    /// <summary>Stops the group: SIGTERM, then SIGKILL once the grace period passes.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        Terminate();
        try
        {
            await Exited.WaitAsync(grace);
        }
        catch (TimeoutException)
        {
            // The grace period is over.
        }

        Kill();
        await Exited;
    }

    private void Send(int signal)
    {
        // The negative pid addresses the process group setsid created; stray members may outlive the leader.
        _ = NativeKill(-Id, signal);
        if (!HasExited)
        {
            _ = NativeKill(Id, signal);
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int NativeKill(int pid, int signal);

    public void Dispose() => _process.Dispose();
}
