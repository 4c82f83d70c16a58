// A bare widget for driving the host simulator from tests: window.cti is the protocol
// module's instance; window.seen lists every handler call as [type, data].
import CallingExtensions from "/widget/calling-extensions.js";

const config = await (await fetch("/widget/config.json")).json();
window.seen = [];
window.cti = new CallingExtensions({
  hostOrigins: config.host_origins,
  eventHandlers: {
    defaultEventHandler: (data, message) => window.seen.push([message.type, data]),
    onReady: (context) => {
      window.seen.push(["READY", context]);
      window.cti.initialized({ isLoggedIn: true, isAvailable: true, sizeInfo: { width: 410, height: 620 } });
    },
  },
});
