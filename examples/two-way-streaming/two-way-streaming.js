// Two-way streaming: publish one name, play another, on one session. No iceServers: the SDK uses
// the ones the server hands out on connect.
(function () {
  "use strict";
  var SESSION_STATUS = Flashphoner.constants.SESSION_STATUS;
  var STREAM_STATUS = Flashphoner.constants.STREAM_STATUS;
  var $ = function (id) { return document.getElementById(id); };
  var session;

  Flashphoner.init({});
  $("publishStream").value = Traverse.randomName();
  $("playStream").value = $("publishStream").value;
  Traverse.signalingUrl().then(function (url) { $("urlServer").value = url; });
  Traverse.setButton($("connectBtn"), "Connect", connect);

  function connect() {
    $("connectBtn").disabled = true;
    Flashphoner.createSession({ urlServer: $("urlServer").value, mediaOptions: Traverse.relayOptions($("forceRelay")) })
      .on(SESSION_STATUS.ESTABLISHED, function (s) {
        session = s;
        Traverse.setStatus($("connectStatus"), s.status());
        $("connectBtn").disabled = false;
        Traverse.setButton($("connectBtn"), "Disconnect", function () { session.disconnect(); }, true);
        wire("publish", $("publishBtn"), $("publishStatus"));
        wire("play", $("playBtn"), $("playStatus"));
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

  /** One button per direction: start → Stop → start again. */
  function wire(kind, button, label) {
    var publishing = kind === "publish";
    var live = publishing ? STREAM_STATUS.PUBLISHING : STREAM_STATUS.PLAYING;
    var done = publishing ? STREAM_STATUS.UNPUBLISHED : STREAM_STATUS.STOPPED;
    function start() {
      button.disabled = true;
      var stream = session.createStream({
        name: $(publishing ? "publishStream" : "playStream").value,
        display: $(publishing ? "localVideo" : "remoteVideo")
      });
      var finish = function (s) {
        Traverse.setStatus(label, s.status(), s.getInfo());
        Traverse.setButton(button, publishing ? "Publish" : "Play", start);
        button.disabled = session.status() !== SESSION_STATUS.ESTABLISHED;
      };
      stream.on(live, function (s) {
        Traverse.setStatus(label, s.status());
        Traverse.setButton(button, "Stop", function () { button.disabled = true; stream.stop(); }, true);
        button.disabled = false;
      }).on(done, finish).on(STREAM_STATUS.FAILED, finish);
      Traverse.setStatus(label, "PENDING");
      if (publishing) stream.publish(); else stream.play();
    }
    Traverse.setButton(button, publishing ? "Publish" : "Play", start);
    button.disabled = false;
  }
})();
