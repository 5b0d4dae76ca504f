// The demo client: the public WebSocket protocol (protocol.md), nothing private.
const $ = id => document.getElementById(id);
const params = new URLSearchParams(location.search);
$("token").value = params.get("token") || localStorage.getItem("orchestratorToken") || "";

let socket = null;
let peer = null;
let potentialLine = null;

function status(text) { $("status").textContent = text; }

function addLine(source, text, potential) {
  if (potentialLine && source === "user") { potentialLine.remove(); potentialLine = null; }
  const li = document.createElement("li");
  li.className = source + (potential ? " potential" : "");
  li.textContent = text;
  $("lines").append(li);
  if (potential) potentialLine = li;
  li.scrollIntoView({ block: "end" });
}

function send(message) {
  socket.send(JSON.stringify({ timestamp: new Date().toISOString(), channelId: null, ...message }));
}

function setConnected(connected) {
  $("chat").disabled = $("call").disabled = connected;
  $("hangup").disabled = !connected;
  $("text").disabled = $("send").disabled = !connected;
}

function start(callType) {
  const token = $("token").value.trim();
  if (!token) { status("Paste a token first."); return; }
  localStorage.setItem("orchestratorToken", token);
  $("lines").replaceChildren();
  $("toolCalls").replaceChildren();
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  socket = new WebSocket(`${scheme}://${location.host}/api/v1/ws/webCall?token=${encodeURIComponent(token)}`);
  socket.onopen = () => { setConnected(true); send({ type: "initialize", request: { callType } }); status("Connecting…"); };
  socket.onmessage = event => handle(JSON.parse(event.data));
  socket.onclose = event => { setConnected(false); closePeer(); status(`Closed (${event.code}${event.reason ? ": " + event.reason : ""}).`); };
}

async function handle(message) {
  switch (message.type) {
    case "event": return onEvent(message.name, message.data || {});
    case "text": return addLine(message.content.source, message.content.text, message.content.type === "potential");
    case "toolCall": return showToolCall(message.content);
    case "websocketToolRequest": return; // the same request as toolCall; answering one is enough
    case "toolCallResult": return markTool(message.content);
    case "sdpInvite": return answerOffer(message.data.sdpOffer || message.data.invite);
    case "conversationResult": return addLine("system", `Result: ${message.result.status}, ${message.result.finishReason}`);
    case "error": return addLine("system", "Error: " + message.data.message);
  }
}

function onEvent(name, data) {
  if (name === "connection") status(`Conversation ${data.conversationId}`);
  if (name === "opened") addLine("system", "Conversation opened.");
  if (name === "failedOpen") addLine("system", "Could not open: " + data.reason);
  if (name === "closed") addLine("system", `Closed: ${data.finishReason} after ${data.durationSeconds}s`);
}

function showToolCall(call) {
  const li = document.createElement("li");
  li.id = "tool-" + call.id;
  li.innerHTML = `<strong></strong> <code></code><textarea></textarea><button>Send result</button>`;
  li.querySelector("strong").textContent = call.toolName;
  li.querySelector("code").textContent = JSON.stringify(call.args);
  li.querySelector("textarea").value = JSON.stringify({ confirmation: "DEMO-" + Math.floor(Math.random() * 9000 + 1000) });
  li.querySelector("button").onclick = () => {
    let result;
    try { result = JSON.parse(li.querySelector("textarea").value); } catch { result = li.querySelector("textarea").value; }
    send({ type: "websocketToolResponse", content: { id: call.id, result } });
  };
  $("toolCalls").append(li);
}

function markTool(result) {
  const li = $("tool-" + result.id);
  if (li) li.querySelector("button").replaceWith(Object.assign(document.createElement("em"), { textContent: result.status }));
}

async function answerOffer(sdp) {
  peer = new RTCPeerConnection();
  peer.ontrack = event => { $("remoteAudio").srcObject = event.streams[0] || new MediaStream([event.track]); };
  const microphone = await navigator.mediaDevices.getUserMedia({ audio: true });
  microphone.getTracks().forEach(track => peer.addTrack(track, microphone));
  await peer.setRemoteDescription({ type: "offer", sdp });
  const answer = await peer.createAnswer();
  await peer.setLocalDescription(answer);
  // The server offers ICE-lite with complete candidates; wait for ours before answering (no trickle).
  if (peer.iceGatheringState !== "complete")
    await new Promise(resolve => peer.addEventListener("icegatheringstatechange",
      () => peer.iceGatheringState === "complete" && resolve()));
  send({ type: "sdpAnswer", data: { sdpAnswer: peer.localDescription.sdp } });
}

function closePeer() { if (peer) { peer.close(); peer = null; } }

$("chat").onclick = () => start("chat");
$("call").onclick = () => start("webCall");
$("hangup").onclick = () => send({ type: "terminate" });
$("say").onsubmit = event => {
  event.preventDefault();
  const text = $("text").value.trim();
  if (!text) return;
  send({ type: "incomingChatMessage", content: text });
  $("text").value = "";
};
