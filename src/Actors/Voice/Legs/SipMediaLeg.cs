using Orchestrator.Actors.Voice;
using Orchestrator.Media;
using Orchestrator.Media.Rtp;
using Orchestrator.Media.Sip.Calls;
using Orchestrator.Messages.Results;

namespace Orchestrator.Actors.Voice.Legs;

/// <summary>
/// A dialled SIP call and its <see cref="RtpSession"/> as a media leg; the session speaks the
/// pipeline's 16 kHz (it resamples to and from G.711's 8 kHz itself). <see cref="Dial"/> places the call; the answer raises
/// Connected, a failed dial raises Failed with the SIP outcome as the finish reason, the callee's
/// BYE raises Failed with <c>callee_hangup</c>. Disposing hangs up (CANCEL or BYE) first.
/// </summary>
public sealed class SipMediaLeg : IMediaLeg
{
    private static readonly TimeSpan HangupBound = TimeSpan.FromSeconds(5);

    private readonly Func<CancellationToken, Task<SipDialPlan>> _prepare;
    private readonly RtpSession _media;
    private readonly CancellationTokenSource _stop = new();
    private SipCall? _call;
    private Action? _release;
    private int _connected, _ended, _disposed;

    /// <param name="prepare">Finds where and how to dial (trunk, credentials, limits) when <see cref="Dial"/> runs.</param>
    public SipMediaLeg(Func<CancellationToken, Task<SipDialPlan>> prepare, RtpSessionOptions? rtp = null)
    {
        _prepare = prepare;
        _media = RtpSession.Open((rtp ?? new RtpSessionOptions()) with { PcmSampleRate = PcmRate });
        _media.AudioReceived += pcm => AudioFrame?.Invoke(pcm); // from the session's one tick thread, in order
        _media.DtmfReceived += d => DtmfDigit?.Invoke(d);
        _media.HoldChanged += h => HoldChanged?.Invoke(h);
    }

    public event Action<MediaLegConnected>? Connected;
    public event Action<MediaLegFailure>? Failed;
    public event Action<short[]>? AudioFrame;
    public event Action<char>? DtmfDigit;
    public event Action<bool>? HoldChanged;

    private const int PcmRate = 16_000;

    public SipCall? Call => _call;
    public RtpSession Media => _media;

    /// <summary>Sends the INVITE in the background; the outcome comes as Connected or Failed.</summary>
    public void Dial() => _ = Task.Run(DialAsync);

    private async Task DialAsync()
    {
        SipDialResult result;
        try
        {
            var plan = await _prepare(_stop.Token).ConfigureAwait(false);
            Volatile.Write(ref _release, plan.Release);
            if (Volatile.Read(ref _disposed) == 1) return;
            var call = plan.Agent.CreateCall(plan.Options with { Media = _media });
            call.Hungup += end => Fail(new MediaLegFailure("the callee hung up", true, FinishReasons.CalleeHangup, MediaEndKind.RemoteHangup));
            call.Ended += end =>
            {
                if (end.By == SipCallEndedBy.Error && Volatile.Read(ref _connected) == 1)
                    Fail(new MediaLegFailure("the call's dialog failed: " + end.Detail, false, FinishReasons.ConnectionLost, MediaEndKind.DialogFailed));
            };
            Volatile.Write(ref _call, call);
            result = await call.DialAsync(_stop.Token).ConfigureAwait(false);
        }
        catch (SipLegRefusedException e)
        {
            Fail(new MediaLegFailure(e.Message, false, FinishReasons.Error, MediaEndKind.SetupFailed));
            return;
        }
        catch (Exception e)
        {
            Fail(new MediaLegFailure("dialling failed: " + e.Message, false, FinishReasons.Error, MediaEndKind.SetupFailed));
            return;
        }
        if (result.IsAnswered)
        {
            if (Interlocked.Exchange(ref _connected, 1) == 0)
                Connected?.Invoke(new MediaLegConnected($"{result.Negotiation?.Codec.Name} with {result.Negotiation?.Remote}"));
            return;
        }
        // The detail already names the status ("486 Busy Here", "authentication failed (407)"): said once.
        Fail(new MediaLegFailure($"{result.Reason} ({result.Detail})", false, FinishReasonOf(result.Outcome), MediaEndKind.NotAnswered));
    }

    /// <summary>The dial-out contract's mapping of a failed dial to the result's finish reason.</summary>
    public static string FinishReasonOf(SipCallOutcome outcome) => outcome switch
    {
        SipCallOutcome.Busy => FinishReasons.Busy,
        SipCallOutcome.NoAnswer => FinishReasons.NoAnswer,
        SipCallOutcome.Rejected => FinishReasons.Rejected,
        _ => FinishReasons.Error,
    };

    private void Fail(MediaLegFailure failure)
    {
        if (Volatile.Read(ref _disposed) == 1 || Interlocked.Exchange(ref _ended, 1) == 1) return;
        Failed?.Invoke(failure);
    }

    public long SendAudio(short[] pcm16k) => _media.SendAudio(pcm16k);

    public long PlaybackSentSamples => _media.AudioSamplesSent;

    public MediaLegCleared ClearPlayback()
    {
        long dropped = _media.ClearAudio();
        return new MediaLegCleared(_media.AudioSamplesSent, TimeSpan.FromMilliseconds(dropped * 1000.0 / PcmRate));
    }

    public void SendDtmf(char digit) => _media.SendDtmf(digit);

    public Orchestrator.Messages.Results.MediaStatistics Statistics
    {
        get
        {
            var s = _media.Statistics;
            return new()
            {
                PacketsSent = s.PacketsSent, PacketsReceived = s.PacketsReceived, PacketsLost = s.PacketsLost,
                JitterMs = Math.Round(s.JitterMs, 2), RemotePacketsLost = s.RemotePacketsLost,
                RemoteFractionLost = s.RemoteFractionLost is double f ? Math.Round(f, 4) : null,
                RemoteJitterMs = s.RemoteJitterMs is double j ? Math.Round(j, 2) : null,
                RoundTripMs = s.RoundTripMs is double r ? Math.Round(r, 2) : null,
                RtcpReportsReceived = s.RtcpReportsReceived, RtcpReportsSent = s.RtcpReportsSent,
            };
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        try
        {
            if (Volatile.Read(ref _call) is { } call)
            {
                _stop.Cancel(); // a dial still ringing is cancelled
                await call.HangupAsync().WaitAsync(HangupBound).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException or IOException) { }
        finally
        {
            Interlocked.Exchange(ref _release, null)?.Invoke();
            await _media.DisposeAsync().ConfigureAwait(false);
            _stop.Dispose();
        }
    }
}
