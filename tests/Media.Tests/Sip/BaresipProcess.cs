using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Orchestrator.Media.Tests.Sip;

/// <summary>
/// Runs baresip 1.0.0 as a headless callee on 127.0.0.1, in a configuration directory of its own
/// (the one checked in ../shared/notes/media.md): it answers by itself or waits to be told, plays a
/// WAV as its microphone, records what it hears into <see cref="RecordingsDir"/>, and takes commands
/// and reports call events over <c>ctrl_tcp</c> (netstrings of JSON). Killed on dispose.
/// </summary>
public sealed class BaresipProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output;
    private readonly TcpClient _control;
    private readonly NetstringReader _reader;
    private readonly List<JsonObject> _events = [];
    private readonly SemaphoreSlim _eventArrived = new(0);
    private readonly Dictionary<string, TaskCompletionSource<JsonObject>> _responses = [];
    private readonly Task _readLoop;
    private int _token;

    private BaresipProcess(Process process, StringBuilder output, TcpClient control, int port, string dir)
    {
        _process = process;
        _output = output;
        _control = control;
        _reader = new NetstringReader(control.GetStream());
        Port = port;
        ConfigDir = dir;
        _readLoop = Task.Run(ReadLoopAsync);
    }

    /// <summary>The SIP port, on UDP and TCP both.</summary>
    public int Port { get; }

    public string ConfigDir { get; }

    public string RecordingsDir => Path.Combine(ConfigDir, "rec");

    public string Output { get { lock (_output) return _output.ToString(); } }

    /// <summary>
    /// Starts baresip with <paramref name="speechWav"/> (16-bit mono) as its microphone. With
    /// <paramref name="autoAnswer"/> false an incoming call rings until <see cref="CommandAsync"/>
    /// answers or hangs it up.
    /// </summary>
    /// <param name="user">The account's user: baresip answers 404 to a Request-URI naming anyone else.</param>
    public static async Task<BaresipProcess> StartAsync(string speechWav, string user, bool autoAnswer = true)
    {
        var dir = Directory.CreateTempSubdirectory("baresip").FullName;
        Directory.CreateDirectory(Path.Combine(dir, "rec"));
        int port = FreePortOnBothTransports();
        int controlPort = FreeTcpPort();
        int rtpBase = FreeRtpRange(20);
        File.WriteAllText(Path.Combine(dir, "config"), string.Join('\n',
            "poll_method epoll",
            "net_interface 127.0.0.1",
            $"sip_listen 127.0.0.1:{port}",
            "audio_player alsa,null",
            $"audio_source aufile,{speechWav}",
            "audio_alert alsa,null",
            "ausrc_format s16", "auplay_format s16", "auenc_format s16", "audec_format s16",
            $"rtp_ports {rtpBase}-{rtpBase + 19}",
            "rtp_stats yes",
            "rtcp_mux no",
            "module_path /usr/lib/baresip/modules",
            "module g711.so", "module sndfile.so", "module aufile.so", "module alsa.so", "module rtcpsummary.so",
            "module_tmp uuid.so", "module_tmp account.so",
            "module_app menu.so", "module_app ctrl_tcp.so",
            $"ctrl_tcp_listen 127.0.0.1:{controlPort}",
            $"snd_path {Path.Combine(dir, "rec")}",
            ""));
        string answerMode = autoAnswer ? "auto" : "manual";
        File.WriteAllText(Path.Combine(dir, "accounts"),
            $"<sip:{user}@127.0.0.1:{port}>;regint=0;answermode={answerMode};audio_codecs=PCMU/8000/1,PCMA/8000/1\n");

        var info = new ProcessStartInfo("baresip", $"-f {dir} -v")
        {
            WorkingDirectory = dir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        var process = Process.Start(info)
            ?? throw new InvalidOperationException("baresip did not start (is the Debian package installed?)");
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) if (output.Length < 400_000) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            if (process.HasExited) throw new InvalidOperationException($"baresip exited {process.ExitCode}: {output}");
            var control = new TcpClient();
            try
            {
                await control.ConnectAsync(IPAddress.Loopback, controlPort);
                return new BaresipProcess(process, output, control, port, dir);
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                control.Dispose();
                await Task.Delay(50);
            }
        }
    }

    /// <summary>Sends one ctrl_tcp command (<c>hangup</c>, <c>accept</c>, <c>hold</c>, <c>resume</c>, <c>sndcode</c>…) and returns its response.</summary>
    public async Task<JsonObject> CommandAsync(string command, string parameters = "")
    {
        string token = "t" + Interlocked.Increment(ref _token).ToString(CultureInfo.InvariantCulture);
        var response = new TaskCompletionSource<JsonObject>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_responses) _responses[token] = response;
        var json = new JsonObject { ["command"] = command, ["params"] = parameters, ["token"] = token }.ToJsonString();
        var bytes = Encoding.UTF8.GetBytes(json);
        var frame = Encoding.ASCII.GetBytes(bytes.Length.ToString(CultureInfo.InvariantCulture) + ":").Concat(bytes).Append((byte)',').ToArray();
        await _control.GetStream().WriteAsync(frame);
        return await response.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary>Waits for a call event of <paramref name="type"/> (CALL_INCOMING, CALL_ESTABLISHED, CALL_CLOSED…) and returns it.</summary>
    public async Task<JsonObject> WaitForEventAsync(string type, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        int seen = 0;
        while (true)
        {
            lock (_events)
            {
                for (; seen < _events.Count; seen++)
                    if (_events[seen]["type"]?.GetValue<string>() == type) return _events[seen];
            }
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !await _eventArrived.WaitAsync(left))
                throw new TimeoutException($"baresip sent no {type} within {timeout.TotalSeconds:F0} s; events: "
                    + string.Join(" | ", Events.Select(e => e.ToJsonString())) + "\n" + Tail(4000));
        }
    }

    public IReadOnlyList<JsonObject> Events { get { lock (_events) return [.. _events]; } }

    /// <summary>The WAV files baresip wrote of what it heard (<c>-dec.wav</c>: our audio, decoded).</summary>
    public IReadOnlyList<string> DecodedRecordings => Directory.GetFiles(RecordingsDir, "*-dec.wav");

    /// <summary>
    /// The RTP packets baresip counted for its last ended call (sent, received), from the statistics it
    /// prints when a call ends (<c>rtp_stats</c>); null before that.
    /// </summary>
    public (int Sent, int Received)? LastCallPackets()
    {
        var matches = System.Text.RegularExpressions.Regex.Matches(Output, @"packets:\s+(\d+)\s+(\d+)");
        if (matches.Count == 0) return null;
        var last = matches[^1];
        return (int.Parse(last.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(last.Groups[2].Value, CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// What the RTCP of its last ended call told baresip (the <c>pkt.report</c> row of its statistics):
    /// packets of its stream as our reports put it, and of ours as our sender reports counted them.
    /// </summary>
    public (int Transmit, int Receive)? LastCallRtcpReported()
    {
        var matches = System.Text.RegularExpressions.Regex.Matches(Output, @"pkt\.report:\s+(\d+)\s+(\d+)");
        if (matches.Count == 0) return null;
        var last = matches[^1];
        return (int.Parse(last.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(last.Groups[2].Value, CultureInfo.InvariantCulture));
    }

    /// <summary>How much baresip has recorded of what it heard so far: it writes each decoded frame as it arrives.</summary>
    public long DecodedBytes() => DecodedRecordings.Sum(f => new FileInfo(f).Length);

    public string Tail(int characters)
    {
        string output = Output;
        return output[^Math.Min(characters, output.Length)..];
    }

    private async Task ReadLoopAsync()
    {
        try
        {
            while (await _reader.ReadAsync() is { } message)
            {
                if (JsonNode.Parse(message) is not JsonObject json) continue;
                if (json["event"]?.GetValue<bool>() == true)
                {
                    lock (_events) _events.Add(json);
                    _eventArrived.Release();
                }
                else if (json["token"]?.GetValue<string>() is { } token)
                {
                    TaskCompletionSource<JsonObject>? waiting;
                    lock (_responses) _responses.Remove(token, out waiting);
                    waiting?.TrySetResult(json);
                }
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
        }
    }

    private static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static int FreePortOnBothTransports()
    {
        for (int attempt = 0; attempt < 50; attempt++)
        {
            int port = FreeTcpPort();
            try
            {
                using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                udp.Bind(new IPEndPoint(IPAddress.Loopback, port));
                return port;
            }
            catch (SocketException)
            {
            }
        }
        throw new InvalidOperationException("no port free on both UDP and TCP");
    }

    /// <summary>An even range of UDP ports below the OS's ephemeral range (and SIPp's), so the node's own RTP ports do not land in it.</summary>
    private static int FreeRtpRange(int count) => FreeUdpPorts.EvenRange(10000, 4900, count);

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited) await CommandAsync("quit").WaitAsync(TimeSpan.FromSeconds(2));
        }
        catch (Exception e) when (e is TimeoutException or IOException or ObjectDisposedException or InvalidOperationException)
        {
        }
        _control.Dispose();
        using var exited = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        try { await _process.WaitForExitAsync(exited.Token); }
        catch (OperationCanceledException) { try { _process.Kill(); } catch (InvalidOperationException) { } await _process.WaitForExitAsync(); }
        await _readLoop.ConfigureAwait(false);
        _process.Dispose();
        _eventArrived.Dispose();
    }

    /// <summary>Reads ctrl_tcp's netstrings (<c>length:bytes,</c>) from a stream.</summary>
    private sealed class NetstringReader(Stream stream)
    {
        private readonly byte[] _one = new byte[1];

        public async Task<string?> ReadAsync()
        {
            int length = 0;
            while (true)
            {
                if (await stream.ReadAsync(_one) == 0) return null;
                if (_one[0] == (byte)':') break;
                if (_one[0] is < (byte)'0' or > (byte)'9') throw new IOException($"ctrl_tcp sent '{(char)_one[0]}' where a netstring length was expected");
                length = length * 10 + (_one[0] - '0');
            }
            var body = new byte[length + 1];
            await stream.ReadExactlyAsync(body);
            if (body[^1] != (byte)',') throw new IOException("ctrl_tcp netstring without its trailing comma");
            return Encoding.UTF8.GetString(body, 0, length);
        }
    }
}
