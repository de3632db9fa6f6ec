using k8s;
using k8s.Models;

namespace Flywheel.ApiServer.Tests.Node;

/// <summary>The process runner: images, env and volumes, restarts, graceful deletion, and nothing left behind.</summary>
public sealed class KubeletTests : IAsyncLifetime
{
    private NodeHarness _harness = null!;

    public async Task InitializeAsync() => _harness = await NodeHarness.StartAsync();

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    private static V1Pod Pod(string name, string restartPolicy, params V1Container[] containers) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["test"] = name } },
        Spec = new V1PodSpec { RestartPolicy = restartPolicy, TerminationGracePeriodSeconds = 10, Containers = containers },
    };

    private Task<V1Pod> PodWhen(string name, Func<V1Pod, bool> done, string what) =>
        _harness.WaitAsync(() => _harness.Client.CoreV1.ReadNamespacedPodAsync(name, "default"), done, what);

    [Fact]
    public async Task An_unknown_image_is_a_pending_pod_with_err_image_pull_naming_the_image_and_the_known_ones()
    {
        await _harness.Client.CoreV1.CreateNamespacedPodAsync(Pod("ghost", "Always", new V1Container { Name = "main", Image = "example.com/nope:1.0" }), "default");

        var pod = await PodWhen("ghost", p => p.Status?.ContainerStatuses?.FirstOrDefault()?.State?.Waiting?.Reason == "ErrImagePull", "ErrImagePull");
        Assert.Equal("Pending", pod.Status.Phase);
        var message = pod.Status.ContainerStatuses.Single().State.Waiting.Message;
        Assert.Contains("\"example.com/nope:1.0\"", message);
        Assert.Contains("test/http, test/sh", message);
        Assert.Contains("NodeOptions.Images", message);
        Assert.Equal("flywheel-local", pod.Spec.NodeName);
    }

    [Fact]
    public async Task Env_args_and_volumes_are_mapped_to_the_pod_and_its_local_folders()
    {
        await _harness.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "settings" }, Data = new Dictionary<string, string> { ["mode"] = "fast" } }, "default");
        var container = NodeHarness.Shell("main", "echo \"$POD:$NS:$IP:$(cat /etc/settings/mode):$GREETING\" > /store/out.txt; echo scratch > /scratch/x; cat /scratch/x >> /store/out.txt; sleep 60");
        container.Env =
        [
            new V1EnvVar { Name = "POD", ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = "metadata.name" } } },
            new V1EnvVar { Name = "NS", ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = "metadata.namespace" } } },
            new V1EnvVar { Name = "IP", ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = "status.podIP" } } },
            new V1EnvVar { Name = "WHO", Value = "world" },
            new V1EnvVar { Name = "GREETING", Value = "hello $(WHO)" },
        ];
        container.VolumeMounts =
        [
            new V1VolumeMount { Name = "store", MountPath = "/store" },
            new V1VolumeMount { Name = "settings", MountPath = "/etc/settings" },
            new V1VolumeMount { Name = "scratch", MountPath = "/scratch" },
        ];
        var pod = Pod("mapped", "Always", container);
        pod.Spec.Volumes =
        [
            new V1Volume { Name = "store", PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = "model-store" } },
            new V1Volume { Name = "settings", ConfigMap = new V1ConfigMapVolumeSource { Name = "settings" } },
            new V1Volume { Name = "scratch", EmptyDir = new V1EmptyDirVolumeSource() },
        ];
        await _harness.Client.CoreV1.CreateNamespacedPodAsync(pod, "default");

        var running = await PodWhen("mapped", p => p.Status?.Phase == "Running" && NodeHarness.IsReady(p), "running");
        var output = Path.Combine(_harness.Root, "pvc", "model-store", "out.txt");
        var text = await _harness.WaitAsync(() => Task.FromResult(File.Exists(output) ? File.ReadAllText(output) : string.Empty), t => t.Contains("scratch", StringComparison.Ordinal), "the container's output in the claim's folder");
        Assert.Equal($"mapped:default:{running.Status.PodIP}:fast:hello world\nscratch\n", text);
    }

    [Fact]
    public async Task Env_from_a_secret_is_set_and_an_optional_missing_key_leaves_the_variable_unset()
    {
        await _harness.Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = "data-credentials" },
            Data = new Dictionary<string, byte[]> { ["accessKeyId"] = "AKIDLOCAL"u8.ToArray() },
        }, "default");
        var container = NodeHarness.Shell("main", "echo \"${KEY}:${MISSING-unset}:${NOSECRET-unset}\" > /store/env.txt; sleep 60");
        V1EnvVar FromSecret(string variable, string secret, string key) => new()
        {
            Name = variable,
            ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = secret, Key = key, Optional = true } },
        };
        container.Env = [FromSecret("KEY", "data-credentials", "accessKeyId"), FromSecret("MISSING", "data-credentials", "sessionToken"), FromSecret("NOSECRET", "absent", "token")];
        container.VolumeMounts = [new V1VolumeMount { Name = "store", MountPath = "/store" }];
        var pod = Pod("secret-env", "Always", container);
        pod.Spec.Volumes = [new V1Volume { Name = "store", PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = "model-store" } }];
        await _harness.Client.CoreV1.CreateNamespacedPodAsync(pod, "default");

        var output = Path.Combine(_harness.Root, "pvc", "model-store", "env.txt");
        var text = await _harness.WaitAsync(() => Task.FromResult(File.Exists(output) ? File.ReadAllText(output) : string.Empty), t => t.EndsWith('\n'), "the container's env in the claim's folder");
        Assert.Equal("AKIDLOCAL:unset:unset\n", text);
    }

    [Fact]
    public async Task A_crashing_container_is_restarted_with_its_last_state_recorded()
    {
        await _harness.Client.CoreV1.CreateNamespacedPodAsync(Pod("crash", "Always", NodeHarness.Shell("main", "echo boom > /dev/termination-log; exit 2")), "default");

        var pod = await PodWhen("crash", p => p.Status?.ContainerStatuses?.FirstOrDefault()?.RestartCount >= 2, "two restarts");
        var status = pod.Status.ContainerStatuses.Single();
        Assert.Equal(2, status.LastState.Terminated.ExitCode);
        Assert.Equal("boom\n", status.LastState.Terminated.Message);
        Assert.Equal("Running", pod.Status.Phase);
        Assert.False(status.Ready);
    }

    [Fact]
    public async Task Failing_probes_keep_a_pod_out_of_endpoints_and_restart_a_container_that_fails_liveness()
    {
        var unready = NodeHarness.Http("main");
        unready.ReadinessProbe.HttpGet.Path = "/missing";
        var unhealthy = NodeHarness.Http("main");
        unhealthy.LivenessProbe = new V1Probe { HttpGet = new V1HTTPGetAction { Path = "/missing", Port = 8080 }, InitialDelaySeconds = 1, PeriodSeconds = 1, FailureThreshold = 1 };
        var service = new V1Service
        {
            Metadata = new V1ObjectMeta { Name = "probed" },
            Spec = new V1ServiceSpec { Selector = new Dictionary<string, string> { ["test"] = "unready" }, Ports = [new V1ServicePort { Port = 80, TargetPort = 8080 }] },
        };
        await _harness.Client.CoreV1.CreateNamespacedServiceAsync(service, "default");
        await _harness.Client.CoreV1.CreateNamespacedPodAsync(Pod("unready", "Always", unready), "default");
        await _harness.Client.CoreV1.CreateNamespacedPodAsync(Pod("unhealthy", "Always", unhealthy), "default");

        var endpoints = await _harness.WaitAsync(
            () => _harness.EndpointsAsync("probed"),
            e => e.Subsets?.SelectMany(s => s.NotReadyAddresses ?? []).Any() == true,
            "the unready pod listed as not ready");
        Assert.Empty(endpoints.Subsets.SelectMany(s => s.Addresses ?? []));
        var pod = await _harness.Client.CoreV1.ReadNamespacedPodAsync("unready", "default");
        Assert.Equal("Running", pod.Status.Phase);
        Assert.Equal("False", pod.Status.Conditions.Single(c => c.Type == "Ready").Status);
        Assert.Equal(pod.Status.PodIP, endpoints.Subsets.Single().NotReadyAddresses.Single().Ip);

        var restarted = await PodWhen("unhealthy", p => p.Status?.ContainerStatuses?.FirstOrDefault()?.RestartCount >= 1, "a restart after the liveness failure");
        Assert.Equal("Container failed its liveness probe and was restarted", restarted.Status.ContainerStatuses.Single().LastState.Terminated.Message);
    }

    [Fact]
    public async Task Deleting_a_pod_sends_sigterm_and_removes_it_once_the_process_has_stopped()
    {
        var marker = Path.Combine(_harness.Root, "pvc", "shared", "terminated");
        var container = NodeHarness.Shell("main", "trap 'echo got TERM > /shared/terminated; exit 0' TERM; while true; do sleep 0.1; done");
        container.VolumeMounts = [new V1VolumeMount { Name = "shared", MountPath = "/shared" }];
        var pod = Pod("graceful", "Always", container);
        pod.Spec.Volumes = [new V1Volume { Name = "shared", PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = "shared" } }];
        await _harness.Client.CoreV1.CreateNamespacedPodAsync(pod, "default");
        await PodWhen("graceful", NodeHarness.IsReady, "running");

        var started = DateTime.UtcNow;
        await _harness.Client.CoreV1.DeleteNamespacedPodAsync("graceful", "default");
        await _harness.WaitAsync(async () => await _harness.PodsAsync("test=graceful"), p => p.Count == 0, "the pod removed");

        Assert.Equal("got TERM\n", File.ReadAllText(marker));
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(8), "the pod went well before its 10 s grace period, because it stopped on SIGTERM");
    }

    [Fact]
    public async Task Stopping_the_node_leaves_no_process_behind()
    {
        var harness = await NodeHarness.StartAsync(shutdownGrace: TimeSpan.FromMilliseconds(300));
        var pids = new List<int>();
        try
        {
            // The shell ignores SIGTERM and has a child: only a SIGKILL to the whole group ends both ($$ is
            // the escaped $ of Kubernetes variable expansion).
            var container = NodeHarness.Shell("main", "trap '' TERM; sleep 300 & echo $$$$ $! > /pids/list; wait");
            container.VolumeMounts = [new V1VolumeMount { Name = "pids", MountPath = "/pids" }];
            var pod = Pod("stubborn", "Always", container);
            pod.Spec.Volumes = [new V1Volume { Name = "pids", PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = "pids" } }];
            await harness.Client.CoreV1.CreateNamespacedPodAsync(pod, "default");
            var pidFile = Path.Combine(harness.Root, "pvc", "pids", "list");
            await harness.WaitAsync(() => Task.FromResult(File.Exists(pidFile) && File.ReadAllText(pidFile).EndsWith('\n')), ok => ok, "pids written");
            pids.AddRange(File.ReadAllText(pidFile).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(int.Parse));
            Assert.Equal(2, pids.Count);
            Assert.All(pids, pid => Assert.True(IsAlive(pid), $"pid {pid} should run before the node stops"));
        }
        finally
        {
            await harness.DisposeAsync();
        }

        await _harness.WaitAsync(() => Task.FromResult(pids.Where(IsAlive).ToList()), alive => alive.Count == 0, "every process of the pod gone", seconds: 10);
    }

    /// <summary>Alive means present and not a zombie waiting to be reaped.</summary>
    private static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..][0] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }
}
