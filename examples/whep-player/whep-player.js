// A plain WHEP player: POST an SDP offer to /whep/<name>, apply the answer, DELETE the session URL to
// stop. The ICE servers (fresh TURN credentials) come from the Link headers of the 201, and are set
// before the browser gathers, as RFC 9725 §4.6 describes for WHIP.
(function () {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var pc = null;
  var sessionUrl = null;

  function endpoint() {
    return location.origin + "/whep/" + encodeURIComponent($("playStream").value.trim());
  }

  /** Link: <turn:…>; rel="ice-server"; username="…"; credential="…" → RTCIceServer objects. */
  function iceServersFromLinks(header) {
    if (!header) return [];
    return header.split(/,\s*(?=<)/).map(function (value) {
      var url = /^\s*<([^>]*)>/.exec(value);
      var params = {};
      var re = /;\s*([a-zA-Z-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;,\s]*))/g;
      var m;
      while ((m = re.exec(value))) params[m[1].toLowerCase()] = m[2] !== undefined ? m[2].replace(/\\(.)/g, "$1") : m[3];
      if (!url || params.rel !== "ice-server") return null;
      var server = { urls: url[1] };
      if (params.username !== undefined) server.username = params.username;
      if (params.credential !== undefined) server.credential = params.credential;
      return server;
    }).filter(Boolean);
  }

  function ended(status, info) {
    Traverse.setStatus($("playStatus"), status, info);
    Traverse.setButton($("playBtn"), "Play", play);
    $("playBtn").disabled = false;
    if (pc) pc.close();
    pc = null;
    sessionUrl = null;
  }

  function play() {
    if (!$("playStream").value.trim()) return Traverse.setStatus($("playStatus"), "FAILED", "enter a stream name");
    $("playBtn").disabled = true;
    $("endpoint").textContent = endpoint();
    Traverse.setStatus($("playStatus"), "PENDING");
    pc = new RTCPeerConnection({ iceTransportPolicy: $("forceRelay").checked ? "relay" : "all" });
    var current = pc;
    pc.addTransceiver("audio", { direction: "recvonly" });
    pc.addTransceiver("video", { direction: "recvonly" });
    pc.ontrack = function (event) {
      if (event.track.kind === "video") $("video").srcObject = event.streams[0] || new MediaStream([event.track]);
    };
    pc.onconnectionstatechange = function () {
      if (current !== pc) return;
      if (current.connectionState === "connected") {
        Traverse.setStatus($("playStatus"), "PLAYING");
        Traverse.setButton($("playBtn"), "Stop", stop, true);
        $("playBtn").disabled = false;
      } else if (current.connectionState === "failed" || current.connectionState === "closed") {
        // The stream ended (its publisher stopped), or media never got through (UDP blocked and no TURN?).
        ended("FAILED", "the media connection ended or failed");
      }
    };
    current.createOffer().then(function (offer) {
      return fetch(endpoint(), { method: "POST", headers: { "Content-Type": "application/sdp" }, body: offer.sdp }).then(function (res) {
        return res.text().then(function (body) {
          if (res.status !== 201) throw new Error(res.status + ": " + body.trim());
          sessionUrl = new URL(res.headers.get("Location"), endpoint()).href;
          var config = current.getConfiguration();
          config.iceServers = iceServersFromLinks(res.headers.get("Link"));
          current.setConfiguration(config);
          return current.setLocalDescription(offer).then(function () {
            return current.setRemoteDescription({ type: "answer", sdp: body });
          });
        });
      });
    }).catch(function (err) {
      if (current === pc) ended("FAILED", err.message);
    });
  }

  function stop() {
    var url = sessionUrl;
    ended("STOPPED");
    if (url) fetch(url, { method: "DELETE" }).catch(function () { /* the session ends with the peer connection anyway */ });
  }

  var params = new URLSearchParams(location.search);
  $("playStream").value = params.get("name") || "";
  $("endpoint").textContent = endpoint();
  $("playStream").oninput = function () { $("endpoint").textContent = endpoint(); };
  Traverse.setButton($("playBtn"), "Play", play);
})();
