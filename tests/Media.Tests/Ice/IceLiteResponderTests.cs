using System.Net;
using FsCheck.Xunit;
using Orchestrator.Media.Ice;
using Orchestrator.Media.Stun;
using Orchestrator.Media.Transport;

namespace Orchestrator.Media.Tests.Ice;

public class IceLiteResponderTests
{
    private static readonly IceCredentials Local = new("srvU", "serverPasswordOf24Chars");
    private static readonly IPEndPoint Browser = new(IPAddress.Parse("192.168.1.20"), 50123);
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static byte[] Check(string username = "srvU:brwS", string password = "serverPasswordOf24Chars", bool useCandidate = false, bool controlled = false, bool fingerprint = true)
    {
        var request = new StunMessage(StunMethod.Binding, StunClass.Request)
            .AddUsername(username)
            .AddPriority(1853824767);
        if (controlled) request.AddIceControlled(1);
        else request.AddIceControlling(0x1234567890ABCDEF);
        if (useCandidate) request.AddUseCandidate();
        return request.Write(StunMessage.ShortTermKey(password), fingerprint);
    }

    [Fact]
    public void Answers_a_valid_check_with_a_signed_xor_mapped_response()
    {
        var responder = new IceLiteResponder(Local, "brwS");
        var datagram = Check();
        Assert.Equal(DatagramKind.Stun, DatagramClassifier.Classify(datagram));
        var result = responder.Handle(datagram, Browser, T0);
        Assert.Equal(IceCheckOutcome.Success, result.Outcome);
        var response = StunMessage.Parse(result.Response);
        Assert.Equal(StunClass.SuccessResponse, response.Class);
        Assert.Equal(StunMessage.Parse(datagram).TransactionId, response.TransactionId);
        Assert.Equal(Browser, response.XorMappedAddress);
        Assert.True(response.VerifyMessageIntegrity(StunMessage.ShortTermKey(Local.Password)));
        Assert.True(response.VerifyFingerprint());
        Assert.False(result.Nominated);
        Assert.False(responder.IsNominated);
        Assert.Equal(Browser, responder.LastValidatedRemote);
    }

    [Fact]
    public void Use_candidate_nominates_and_a_later_nomination_moves_the_pair()
    {
        var responder = new IceLiteResponder(Local, "brwS");
        Assert.True(responder.Handle(Check(useCandidate: true), Browser, T0).Nominated);
        Assert.Equal(Browser, responder.SelectedRemote);
        var other = new IPEndPoint(IPAddress.Parse("203.0.113.5"), 3478);
        responder.Handle(Check(), other, T0); // a plain check does not move media
        Assert.Equal(Browser, responder.SelectedRemote);
        responder.Handle(Check(useCandidate: true), other, T0);
        Assert.Equal(other, responder.SelectedRemote);
    }

    [Fact]
    public void Consent_expires_when_checks_stop()
    {
        var responder = new IceLiteResponder(Local, "brwS");
        Assert.True(responder.IsExpired(T0, TimeSpan.FromSeconds(30)));
        responder.Handle(Check(), Browser, T0);
        Assert.False(responder.IsExpired(T0.AddSeconds(29), TimeSpan.FromSeconds(30)));
        Assert.True(responder.IsExpired(T0.AddSeconds(31), TimeSpan.FromSeconds(30)));
        responder.Handle(Check(), Browser, T0.AddSeconds(25));
        Assert.False(responder.IsExpired(T0.AddSeconds(31), TimeSpan.FromSeconds(30)));
        // A failed check does not refresh consent.
        responder.Handle(Check(password: "wrongPasswordOf24Charsxx"), Browser, T0.AddSeconds(50));
        Assert.Equal(T0.AddSeconds(25), responder.LastCheck);
    }

    [Theory]
    [InlineData("other:brwS", "serverPasswordOf24Chars", 401)]
    [InlineData("srvU:someoneElse", "serverPasswordOf24Chars", 401)]
    [InlineData("srvU:brwS", "wrongPasswordOf24Charsxx", 401)]
    public void Rejects_wrong_credentials_with_401(string username, string password, int code)
    {
        var responder = new IceLiteResponder(Local, "brwS");
        var result = responder.Handle(Check(username, password), Browser, T0);
        Assert.Equal(IceCheckOutcome.Rejected, result.Outcome);
        var response = StunMessage.Parse(result.Response);
        Assert.Equal(StunClass.ErrorResponse, response.Class);
        Assert.Equal(code, response.ErrorCode!.Value.Code);
        Assert.False(response.HasMessageIntegrity);
        Assert.Null(responder.LastCheck);
    }

    [Fact]
    public void Accepts_any_remote_ufrag_until_the_answer_is_known()
    {
        var responder = new IceLiteResponder(Local);
        Assert.Equal(IceCheckOutcome.Success, responder.Handle(Check("srvU:early"), Browser, T0).Outcome);
        responder.RemoteUfrag = "brwS";
        Assert.Equal(IceCheckOutcome.Rejected, responder.Handle(Check("srvU:early"), Browser, T0).Outcome);
    }

    [Fact]
    public void Rejects_a_check_without_credentials_with_400()
    {
        var request = new StunMessage(StunMethod.Binding, StunClass.Request).AddPriority(1).Write(fingerprint: true);
        var result = new IceLiteResponder(Local).Handle(request, Browser, T0);
        Assert.Equal(400, StunMessage.Parse(result.Response).ErrorCode!.Value.Code);
    }

    [Fact]
    public void Reports_a_role_conflict_when_the_peer_is_also_controlled()
    {
        var result = new IceLiteResponder(Local, "brwS").Handle(Check(controlled: true), Browser, T0);
        Assert.Equal(487, StunMessage.Parse(result.Response).ErrorCode!.Value.Code);
    }

    [Fact]
    public void Ignores_garbage_responses_and_bad_fingerprints()
    {
        var responder = new IceLiteResponder(Local, "brwS");
        Assert.Equal(IceCheckOutcome.Ignored, responder.Handle(new byte[] { 0, 1, 2 }, Browser, T0).Outcome);
        var response = new StunMessage(StunMethod.Binding, StunClass.SuccessResponse).Write(fingerprint: true);
        Assert.Equal(IceCheckOutcome.Ignored, responder.Handle(response, Browser, T0).Outcome);
        var tampered = Check();
        tampered[^1] ^= 1;
        Assert.Equal(IceCheckOutcome.Ignored, responder.Handle(tampered, Browser, T0).Outcome);
        Assert.Null(responder.LastCheck);
    }

    [Property(MaxTest = 1000)]
    public void Random_datagrams_never_throw_and_never_validate(byte[] bytes, bool stunHeader)
    {
        if (stunHeader && bytes.Length >= 20)
        {
            bytes[0] = 0;
            bytes[1] = 1;
            new byte[] { 0x21, 0x12, 0xA4, 0x42 }.CopyTo(bytes, 4);
            bytes[2] = (byte)((bytes.Length - 20) >> 8);
            bytes[3] = (byte)(bytes.Length - 20);
        }
        var responder = new IceLiteResponder(Local, "brwS");
        var result = responder.Handle(bytes, Browser, T0);
        Assert.NotEqual(IceCheckOutcome.Success, result.Outcome);
        Assert.Null(responder.LastCheck);
    }

    [Fact]
    public void Generated_credentials_meet_the_minimum_lengths()
    {
        var a = IceCredentials.Generate();
        Assert.True(a.Ufrag.Length >= 4 && a.Password.Length >= 22);
        Assert.NotEqual(a, IceCredentials.Generate());
    }
}
