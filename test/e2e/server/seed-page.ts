// A page that uses a Flashphoner-API SDK exactly as the product's seed snippet does. The SDK file is
// whatever `sdkSrc` points at: the stock @flashphoner/websdk or our bundle.
export function seedPage(sdkSrc: string): string {
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>seed</title></head>
<body>
<div id="localDisplay" style="width:320px;height:240px"></div>
<div id="remoteDisplay" style="width:320px;height:240px"></div>
<script src="${sdkSrc}"></script>
<script>
var SESSION_STATUS = Flashphoner.constants.SESSION_STATUS;
var STREAM_STATUS = Flashphoner.constants.STREAM_STATUS;
var events = [];
window.events = events;
function note(what, status, info) { events.push({ what: what, status: status, info: info || '' }); }
Flashphoner.init({});
window.connect = function (urlServer, iceServers, relay) {
  var mediaOptions = { iceServers: iceServers };
  if (relay) mediaOptions.iceTransportPolicy = "relay";
  Flashphoner.createSession({ urlServer: urlServer, mediaOptions: mediaOptions })
    .on(SESSION_STATUS.ESTABLISHED, function (s) { window.session = s; note('session', s.status()); })
    .on(SESSION_STATUS.DISCONNECTED, function () { note('session', 'DISCONNECTED'); })
    .on(SESSION_STATUS.FAILED, function () { note('session', 'FAILED'); });
};
window.publish = function (name) {
  window.publishStream = window.session.createStream({ name: name, display: document.getElementById('localDisplay') })
    .on(STREAM_STATUS.PUBLISHING, function (s) { note('publish', 'PUBLISHING'); })
    .on(STREAM_STATUS.UNPUBLISHED, function (s) { note('publish', 'UNPUBLISHED', s.getInfo()); })
    .on(STREAM_STATUS.FAILED, function (s) { note('publish', 'FAILED', s.getInfo()); });
  window.publishStream.publish();
};
window.play = function (name) {
  window.playStream = window.session.createStream({ name: name, display: document.getElementById('remoteDisplay') })
    .on(STREAM_STATUS.PLAYING, function (s) { note('play', 'PLAYING'); })
    .on(STREAM_STATUS.STOPPED, function (s) { note('play', 'STOPPED', s.getInfo()); })
    .on(STREAM_STATUS.FAILED, function (s) { note('play', 'FAILED', s.getInfo()); });
  window.playStream.play();
};
</script>
</body></html>`;
}
