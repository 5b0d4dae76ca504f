using System.Diagnostics;
using System.Net;
using Orchestrator.Cluster.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace Orchestrator.Cluster.Tests;

/// <summary>
/// The Kubernetes manifests validate against the Kubernetes schemas, agree with themselves (probe,
/// Service and container ports match what the node is told to listen on), and node processes given
/// exactly a pod's environment (seeds instead of Kubernetes discovery) listen and form a cluster.
/// </summary>
public sealed class ManifestTests
{
    private static string Root => Path.GetFullPath(Path.Combine(NodeProcess.NodeDirectory, "..", "..", "..", "..", ".."));
    private static string K8s => Path.Combine(Root, "k8s");

    [Fact]
    public async Task The_manifests_validate_against_the_Kubernetes_schemas()
    {
        var info = new ProcessStartInfo("bash", [Path.Combine(Root, "scripts", "validate-k8s.sh")])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromMinutes(3)).Token);
        Assert.True(process.ExitCode == 0, $"validation failed:\n{await stdout}\n{await stderr}");
        var output = await stdout;
        foreach (var resource in new[]
                 {
                     "Namespace orchestrator", "ConfigMap orchestrator", "Deployment orchestrator", "PodDisruptionBudget orchestrator",
                     "ServiceAccount orchestrator", "Role orchestrator-pod-reader", "RoleBinding orchestrator-pod-reader", "Service orchestrator-http",
                 })
            Assert.Contains($"{resource}: valid", output);
    }

    [Fact]
    public async Task Nodes_given_a_pods_environment_listen_on_the_probed_port_and_form_a_cluster()
    {
        var manifest = PodManifest.Load(K8s);
        Assert.Equal("kubernetes", manifest.Environment["Orchestrator__Cluster__Discovery"]);
        Assert.Equal(new Uri(manifest.Environment["ASPNETCORE_URLS"]).Port, manifest.ContainerPort("http"));
        Assert.Equal("0.0.0.0", new Uri(manifest.Environment["ASPNETCORE_URLS"]).Host);
        Assert.Equal(int.Parse(manifest.Environment["Orchestrator__Cluster__Port"]), manifest.ContainerPort("akka"));
        Assert.Equal(int.Parse(manifest.Environment["Orchestrator__Cluster__ManagementPort"]), manifest.ContainerPort("management"));
        Assert.Equal(("/readyz", "http"), manifest.Probe("readinessProbe"));
        Assert.Equal(("/healthz", "http"), manifest.Probe("livenessProbe"));
        Assert.Equal("http", manifest.ServiceTargetPort);
        var udp = manifest.UdpPorts;
        Assert.Equal(Enumerable.Range(int.Parse(manifest.Environment["Orchestrator__Voice__PortMin"]),
            int.Parse(manifest.Environment["Orchestrator__Voice__PortMax"]) - int.Parse(manifest.Environment["Orchestrator__Voice__PortMin"]) + 1), udp);
        var drain = TimeSpan.Parse(manifest.Environment["Orchestrator__Drain__ReadinessDelay"]) + TimeSpan.Parse(manifest.Environment["Orchestrator__Drain__Timeout"])
                    + TimeSpan.FromSeconds(15);
        Assert.True(manifest.TerminationGracePeriod >= drain, $"terminationGracePeriodSeconds {manifest.TerminationGracePeriod} < the drain {drain}");

        // Three pods on one machine: each its own ports, the seed list instead of the Kubernetes API.
        await using var cluster = await TestCluster.StartAsync(3, environment: database =>
        {
            var env = manifest.Resolve(database.ConnectionString, NodeSettings.ApiKey, podIp: "127.0.0.1", hostIp: "127.0.0.1");
            env["Orchestrator__Cluster__Discovery"] = "seeds";
            env["Orchestrator__Voice__PortMin"] = env["Orchestrator__Voice__PortMax"] = "0"; // three "pods" share one machine
            return env;
        });
        foreach (var member in cluster.Members)
        {
            Assert.Equal([$"http://0.0.0.0:{member.HttpPort}"], member.Process.ListeningOn);
            using var http = member.Client();
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/readyz")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz")).StatusCode);
            var self = (await TestCluster.ViewAsync(member))["self"]!.GetValue<string>();
            Assert.Equal(member.AkkaAddress, self); // the public hostname from POD_IP, the port from the manifest's setting
        }
    }
}

/// <summary>The pod's environment and ports as k8s/configmap.yaml and k8s/deployment.yaml give them.</summary>
public sealed class PodManifest
{
    private readonly YamlMappingNode _container;
    private readonly YamlMappingNode _podSpec;
    private readonly YamlMappingNode _service;
    private readonly Dictionary<string, string> _configMap;

    private PodManifest(YamlMappingNode podSpec, YamlMappingNode container, Dictionary<string, string> configMap, YamlMappingNode service)
    {
        _podSpec = podSpec;
        _container = container;
        _configMap = configMap;
        _service = service;
    }

    public static PodManifest Load(string dir)
    {
        var deployment = Documents(Path.Combine(dir, "deployment.yaml")).Single(d => Scalar(d, "kind") == "Deployment");
        var podSpec = Map(Map(Map(deployment, "spec"), "template"), "spec");
        var container = (YamlMappingNode)((YamlSequenceNode)podSpec["containers"]).Children.Single();
        var configMap = Map(Documents(Path.Combine(dir, "configmap.yaml")).Single(), "data").Children
            .ToDictionary(kv => ((YamlScalarNode)kv.Key).Value!, kv => ((YamlScalarNode)kv.Value).Value!);
        var service = Documents(Path.Combine(dir, "service.yaml")).Single(d => Scalar(d, "kind") == "Service");
        return new PodManifest(podSpec, container, configMap, service);
    }

    private static List<YamlMappingNode> Documents(string file)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(file);
        stream.Load(reader);
        return [.. stream.Documents.Select(d => (YamlMappingNode)d.RootNode)];
    }

    private static YamlMappingNode Map(YamlMappingNode node, string key) => (YamlMappingNode)node[key];
    private static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(key, out var value) ? ((YamlScalarNode)value).Value : null;

    private IEnumerable<YamlMappingNode> Ports => ((YamlSequenceNode)_container["ports"]).Children.Cast<YamlMappingNode>();

    /// <summary>The ConfigMap's values (what envFrom gives) — the literal settings, before the pod-specific env.</summary>
    public IReadOnlyDictionary<string, string> Environment => _configMap;

    public int ContainerPort(string name) => int.Parse(Scalar(Ports.Single(p => Scalar(p, "name") == name), "containerPort")!);

    public List<int> UdpPorts => [.. Ports.Where(p => Scalar(p, "protocol") == "UDP").Select(p => int.Parse(Scalar(p, "containerPort")!)).Order()];

    public (string Path, string Port) Probe(string probe)
    {
        var get = Map(Map(_container, probe), "httpGet");
        return (Scalar(get, "path")!, Scalar(get, "port")!);
    }

    public string ServiceTargetPort =>
        Scalar((YamlMappingNode)((YamlSequenceNode)Map(_service, "spec")["ports"]).Children.Single(), "targetPort")!;

    public TimeSpan TerminationGracePeriod => TimeSpan.FromSeconds(int.Parse(Scalar(_podSpec, "terminationGracePeriodSeconds")!));

    /// <summary>
    /// The environment the kubelet gives the container: envFrom's ConfigMap, then env in order, with
    /// the downward API and secrets filled in and <c>$(VAR)</c> references expanded.
    /// </summary>
    public Dictionary<string, string> Resolve(string connectionString, string apiKey, string podIp, string hostIp)
    {
        var env = new Dictionary<string, string>(_configMap);
        foreach (var entry in ((YamlSequenceNode)_container["env"]).Children.Cast<YamlMappingNode>())
        {
            var name = Scalar(entry, "name")!;
            if (Scalar(entry, "value") is { } value)
            {
                env[name] = System.Text.RegularExpressions.Regex.Replace(value, @"\$\((\w+)\)", m => env[m.Groups[1].Value]);
                continue;
            }
            var from = Map(entry, "valueFrom");
            env[name] = from.Children.ContainsKey("fieldRef") ? Scalar(Map(from, "fieldRef"), "fieldPath") switch
            {
                "status.podIP" => podIp,
                "status.hostIP" => hostIp,
                var other => throw new InvalidOperationException($"no test value for the downward API field {other}"),
            } : (Scalar(Map(from, "secretKeyRef"), "name"), Scalar(Map(from, "secretKeyRef"), "key")) switch
            {
                ("orchestrator-db", "connection-string") => connectionString,
                ("orchestrator-api-keys", "key0") => apiKey,
                var other => throw new InvalidOperationException($"no test value for the secret {other}"),
            };
        }
        return env;
    }
}
