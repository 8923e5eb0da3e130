// The connectivity self-test page: Flashphoner.testConnectivity() against this server, shown as a
// table and a verdict. The report is also in window.connectivityReport and in <pre id="report">.
(function () {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var PATHS = [["udp", "UDP direct"], ["tcp", "TCP direct (ICE-TCP)"], ["turn-udp", "TURN over UDP"], ["turn-tcp", "TURN over TCP"], ["turn-tls", "TURN over TLS"]];
  var RESULT = { reachable: ["reachable", "ok"], unreachable: ["unreachable", "bad"], "not-offered": ["not offered", "pending"] };

  function ms(value) {
    return value === undefined ? "—" : Math.round(value) + " ms";
  }

  /** "host udp :40000", or for a relay the way to TURN: "relay via TURN/tls :5349". */
  function end(c, turnPort) {
    if (!c) return "?";
    if (c.type === "relay") return "relay via TURN/" + c.relayProtocol + (turnPort !== undefined ? " :" + turnPort : "");
    return c.type + " " + c.protocol + (c.port !== undefined ? " :" + c.port : "");
  }

  function cell(row, text, className) {
    var td = document.createElement("td");
    td.textContent = text;
    if (className) td.className = className;
    row.appendChild(td);
  }

  function showRows(paths) {
    var body = $("paths");
    body.textContent = "";
    PATHS.forEach(function (p) {
      var r = paths && paths.filter(function (x) { return x.path === p[0]; })[0];
      var tr = document.createElement("tr");
      tr.id = "path-" + p[0];
      cell(tr, p[1]);
      if (!r) {
        cell(tr, "testing…", "status pending");
        cell(tr, ""); cell(tr, ""); cell(tr, "");
      } else {
        cell(tr, RESULT[r.outcome][0], "status " + RESULT[r.outcome][1]);
        cell(tr, ms(r.connectMs));
        cell(tr, ms(r.rttMs));
        cell(tr, r.reachable ? end(r.local, r.serverPort) + " → " + end(r.remote) : (r.detail || ""), "evidence");
      }
      body.appendChild(tr);
    });
  }

  function run() {
    $("runBtn").disabled = true;
    $("verdict").textContent = "Testing…";
    $("verdict").className = "verdict";
    window.connectivityReport = undefined;
    showRows(undefined);
    Flashphoner.testConnectivity({ urlServer: $("urlServer").value }).then(function (report) {
      window.connectivityReport = report;
      $("report").textContent = JSON.stringify(report, null, 2);
      showRows(report.paths);
      $("verdict").textContent = report.verdict;
      $("verdict").className = "verdict " + (report.mediaPath ? "ok" : "bad");
    }, function (err) {
      $("verdict").textContent = "The test could not run: " + err.message;
      $("verdict").className = "verdict bad";
    }).then(function () { $("runBtn").disabled = false; });
  }

  showRows(undefined);
  $("runBtn").onclick = run;
  Traverse.signalingUrl().then(function (url) {
    $("urlServer").value = url;
    run();
  });
})();
