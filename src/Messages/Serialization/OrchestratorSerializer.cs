using System.Collections.Concurrent;
using System.Runtime.Serialization;
using System.Text.Json;
using Akka.Actor;
using Akka.Serialization;

namespace Orchestrator.Messages.Serialization;

/// <summary>
/// System.Text.Json for every <see cref="IOrchestratorMessage"/>: remote messages, journal events
/// and snapshots. The manifest is the type's full name and assembly, so keep stored types'
/// names stable (add new types rather than renaming).
/// </summary>
public sealed class OrchestratorSerializer : SerializerWithStringManifest
{
    public const int SerializerId = 7401;

    private readonly JsonSerializerOptions _options;
    private static readonly ConcurrentDictionary<Type, string> Manifests = new();
    private static readonly ConcurrentDictionary<string, Type> Types = new();

    public OrchestratorSerializer(ExtendedActorSystem system) : base(system)
    {
        _options = JsonDefaults.Create();
        _options.Converters.Add(new ActorRefJsonConverter(system));
    }

    public override int Identifier => SerializerId;

    public override string Manifest(object o) =>
        Manifests.GetOrAdd(o.GetType(), t => $"{t.FullName}, {t.Assembly.GetName().Name}");

    public override byte[] ToBinary(object obj) => JsonSerializer.SerializeToUtf8Bytes(obj, obj.GetType(), _options);

    public override object FromBinary(byte[] bytes, string manifest)
    {
        var type = Types.GetOrAdd(manifest, m => Type.GetType(m, throwOnError: false)
            ?? throw new SerializationException($"Unknown message type '{m}'"));
        return JsonSerializer.Deserialize(bytes, type, _options)
               ?? throw new SerializationException($"Empty payload for '{manifest}'");
    }
}
