// Helpers shared by the example pages (plain browser JavaScript, no build step).
(function () {
  "use strict";
  var STATUS_CLASS = { ESTABLISHED: "ok", PUBLISHING: "ok", PLAYING: "ok", CONNECTED: "pending", PENDING: "pending" };

  /** ws://<page host>:<port> on http, wss://… on https, with the ports the server reports. */
  function signalingUrl() {
    var secure = location.protocol === "https:";
    return fetch("/server-info").then(function (r) { return r.json(); }).catch(function () { return {}; }).then(function (info) {
      var port = secure ? (info.wssPort || 8443) : (info.wsPort || 8080);
      return (secure ? "wss://" : "ws://") + location.hostname + ":" + port + "/";
    });
  }

  /** Fresh time-limited credentials of the embedded TURN server. */
  function turnCredentials() {
    return fetch("/turn-credentials").then(function (r) {
      if (!r.ok) throw new Error("the embedded TURN server is disabled");
      return r.json();
    });
  }

  /**
   * mediaOptions for createSession: no iceServers, so our SDK uses the ones the server hands out
   * on connect; the relay policy when the "Force relay" checkbox is checked.
   */
  function relayOptions(forceRelay) {
    return forceRelay.checked ? { iceTransportPolicy: "relay" } : {};
  }

  function randomName() {
    return Math.random().toString(16).slice(2, 6);
  }

  function setStatus(el, status, info) {
    el.textContent = status + (info ? " — " + info : "");
    el.className = "status " + (STATUS_CLASS[status] || (status === "FAILED" ? "bad" : ""));
  }

  /** Turns a button into a Stop button and back. */
  function setButton(button, label, onClick, stop) {
    button.textContent = label;
    button.className = stop ? "stop" : "";
    button.onclick = onClick;
  }

  window.Traverse = { signalingUrl: signalingUrl, turnCredentials: turnCredentials, relayOptions: relayOptions, randomName: randomName, setStatus: setStatus, setButton: setButton };
})();
