// The firewall traversal example: init → createSession → ESTABLISHED → publish → play → stop.
// Automatic mode sets no iceServers, so the SDK uses the ones the server hands out on connect; manual
// mode uses the TURN fields. "Force relay" adds iceTransportPolicy "relay" to either.
(function () {
  "use strict";
  var SESSION_STATUS = Flashphoner.constants.SESSION_STATUS;
  var STREAM_STATUS = Flashphoner.constants.STREAM_STATUS;
  var $ = function (id) { return document.getElementById(id); };
  var session;
  var publishStream;
  var playStream;

  function init() {
    Flashphoner.init({});
    var name = Traverse.randomName();
    $("publishStream").value = name;
    $("playStream").value = name;
    Traverse.signalingUrl().then(function (url) { $("urlServer").value = url; });
    Traverse.turnCredentials().then(function (c) {
      var tcp = c.urls.filter(function (u) { return /^turn:.*transport=tcp/.test(u); })[0] || c.urls[0];
      $("urlTurnServer").value = tcp;
      $("usernameTurnServer").value = c.username;
      $("credentialTurnServer").value = c.credential;
    }).catch(function (e) { $("urlTurnServer").placeholder = e.message; });
    $("iceMode").onchange = function () { $("manualTurn").hidden = $("iceMode").value !== "manual"; };
    Traverse.setButton($("connectBtn"), "Connect", connect);
  }

  function mediaOptions() {
    var options = Traverse.relayOptions($("forceRelay"));
    if ($("iceMode").value === "manual") {
      var turnUrl = $("urlTurnServer").value.trim();
      options.iceServers = turnUrl ? [{ urls: turnUrl, username: $("usernameTurnServer").value, credential: $("credentialTurnServer").value }] : [];
    }
    return options;
  }

  function connect() {
    $("connectBtn").disabled = true;
    Flashphoner.createSession({ urlServer: $("urlServer").value, mediaOptions: mediaOptions() })
      .on(SESSION_STATUS.ESTABLISHED, function (s) {
        session = s;
        Traverse.setStatus($("connectStatus"), s.status());
        $("connectBtn").disabled = false;
        Traverse.setButton($("connectBtn"), "Disconnect", function () { session.disconnect(); }, true);
        Traverse.setButton($("publishBtn"), "Publish", publish);
        Traverse.setButton($("playBtn"), "Play", play);
        $("publishBtn").disabled = false;
        $("playBtn").disabled = false;
      })
      .on(SESSION_STATUS.DISCONNECTED, function () { ended("DISCONNECTED"); })
      .on(SESSION_STATUS.FAILED, function () { ended("FAILED"); });
  }

  function ended(status) {
    Traverse.setStatus($("connectStatus"), status);
    Traverse.setButton($("connectBtn"), "Connect", connect);
    $("connectBtn").disabled = false;
    $("publishBtn").disabled = true;
    $("playBtn").disabled = true;
  }

  function publish() {
    $("publishBtn").disabled = true;
    publishStream = session.createStream({
      name: $("publishStream").value,
      display: $("localVideo"),
      cacheLocalResources: true,
      receiveVideo: false,
      receiveAudio: false
    }).on(STREAM_STATUS.PUBLISHING, function (stream) {
      Traverse.setStatus($("publishStatus"), stream.status());
      Traverse.setButton($("publishBtn"), "Stop", function () { $("publishBtn").disabled = true; publishStream.stop(); }, true);
      $("publishBtn").disabled = false;
    }).on(STREAM_STATUS.UNPUBLISHED, function (stream) {
      publishEnded(stream);
    }).on(STREAM_STATUS.FAILED, function (stream) {
      publishEnded(stream);
    });
    Traverse.setStatus($("publishStatus"), "PENDING");
    publishStream.publish();
  }

  function publishEnded(stream) {
    Traverse.setStatus($("publishStatus"), stream.status(), stream.getInfo());
    Traverse.setButton($("publishBtn"), "Publish", publish);
    $("publishBtn").disabled = !session || session.status() !== SESSION_STATUS.ESTABLISHED;
  }

  function play() {
    $("playBtn").disabled = true;
    playStream = session.createStream({
      name: $("playStream").value,
      display: $("remoteVideo")
    }).on(STREAM_STATUS.PLAYING, function (stream) {
      Traverse.setStatus($("playStatus"), stream.status());
      Traverse.setButton($("playBtn"), "Stop", function () { $("playBtn").disabled = true; playStream.stop(); }, true);
      $("playBtn").disabled = false;
    }).on(STREAM_STATUS.STOPPED, function (stream) {
      playEnded(stream);
    }).on(STREAM_STATUS.FAILED, function (stream) {
      playEnded(stream);
    });
    Traverse.setStatus($("playStatus"), "PENDING");
    playStream.play();
  }

  function playEnded(stream) {
    Traverse.setStatus($("playStatus"), stream.status(), stream.getInfo());
    Traverse.setButton($("playBtn"), "Play", play);
    $("playBtn").disabled = !session || session.status() !== SESSION_STATUS.ESTABLISHED;
  }

  init();
})();
