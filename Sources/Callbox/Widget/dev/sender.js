// Loaded by the host simulator in a hidden frame on another origin: posts the message in
// its query string to the widget frame (its sibling), which must ignore it.
const message = JSON.parse(new URLSearchParams(location.search).get("message"));
const widget = window.parent.frames[0];
widget.postMessage(message, "*");
window.parent.postMessage({ senderDone: true, message }, "*");
