namespace Orchestrator.Browser.Tests;

/// <summary>The browser side: fake microphone in, the server's offer, an answer back, stats out.</summary>
public static class CallPage
{
    public const string Html = """
<!doctype html>
<html><body>
<audio id="remote" autoplay></audio>
<script>
let pc;
let sender;
window.log = [];
// mutate: optional function(sdp) -> sdp, to post a broken answer first.
window.startCall = async (breakFirst) => {
  pc = new RTCPeerConnection();
  pc.oniceconnectionstatechange = () => window.log.push('ice ' + pc.iceConnectionState);
  pc.onconnectionstatechange = () => window.log.push('pc ' + pc.connectionState);
  pc.ontrack = e => {
    const audio = document.getElementById('remote');
    audio.srcObject = e.streams[0] || new MediaStream([e.track]);
    audio.play().catch(err => window.log.push('play ' + err));
  };
  const mic = await navigator.mediaDevices.getUserMedia({ audio: true });
  for (const track of mic.getTracks()) sender = pc.addTrack(track, mic);
  const offer = await (await fetch('/offer')).text();
  await pc.setRemoteDescription({ type: 'offer', sdp: offer });
  const answer = await pc.createAnswer();
  await pc.setLocalDescription(answer);
  const results = [];
  if (breakFirst) {
    const broken = pc.localDescription.sdp.split('\r\n').filter(l => !l.startsWith(breakFirst)).join('\r\n');
    const r = await fetch('/answer', { method: 'POST', body: broken });
    results.push({ status: r.status, text: await r.text() });
  }
  const r = await fetch('/answer', { method: 'POST', body: pc.localDescription.sdp });
  results.push({ status: r.status, text: await r.text() });
  return results;
};
window.stats = async () => {
  const out = { packetsReceived: 0, totalAudioEnergy: 0, packetsSent: 0, codec: '', state: pc ? pc.connectionState : 'none' };
  if (!pc) return out;
  const report = await pc.getStats();
  report.forEach(s => {
    if (s.type === 'inbound-rtp' && s.kind === 'audio') { out.packetsReceived = s.packetsReceived || 0; out.totalAudioEnergy = s.totalAudioEnergy || 0; out.codecId = s.codecId; }
    if (s.type === 'outbound-rtp' && s.kind === 'audio') out.packetsSent = s.packetsSent || 0;
  });
  if (out.codecId) { const c = report.get(out.codecId); if (c) out.codec = c.mimeType; }
  return out;
};
window.sendDtmf = digits => sender.dtmf.insertDTMF(digits, 100, 70);
window.hangUp = () => pc.close();
</script>
</body></html>
""";
}
