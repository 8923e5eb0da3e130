// Player: a session of its own per playback; the stream name can come from ?streamName=. No
// iceServers: the SDK uses the ones the server hands out on connect.
(function () {
  "use strict";
  var SESSION_STATUS = Flashphoner.constants.SESSION_STATUS;
  var STREAM_STATUS = Flashphoner.constants.STREAM_STATUS;
  var $ = function (id) { return document.getElementById(id); };

  Flashphoner.init({});
  $("playStream").value = new URLSearchParams(location.search).get("streamName") || "";
  Traverse.signalingUrl().then(function (url) { $("urlServer").value = url; });
  Traverse.setButton($("playBtn"), "Play", play);

  function play() {
    $("playBtn").disabled = true;
    Traverse.setStatus($("playStatus"), "PENDING");
    Flashphoner.createSession({ urlServer: $("urlServer").value, mediaOptions: Traverse.relayOptions($("forceRelay")) })
      .on(SESSION_STATUS.ESTABLISHED, function (session) {
        var stream = session.createStream({ name: $("playStream").value, display: $("remoteVideo") });
        var finish = function (s) {
          Traverse.setStatus($("playStatus"), s.status(), s.getInfo());
          session.disconnect();
          Traverse.setButton($("playBtn"), "Play", play);
          $("playBtn").disabled = false;
        };
        stream.on(STREAM_STATUS.PLAYING, function (s) {
          Traverse.setStatus($("playStatus"), s.status());
          Traverse.setButton($("playBtn"), "Stop", function () { $("playBtn").disabled = true; stream.stop(); }, true);
          $("playBtn").disabled = false;
        }).on(STREAM_STATUS.STOPPED, finish).on(STREAM_STATUS.FAILED, finish);
        stream.play();
      })
      .on(SESSION_STATUS.FAILED, function () {
        Traverse.setStatus($("playStatus"), "FAILED", "could not connect to " + $("urlServer").value);
        $("playBtn").disabled = false;
      });
  }
})();
