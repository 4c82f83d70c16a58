// Minimal widget until the screens land: the handshake, then INITIALIZED.
import CallingExtensions from "./calling-extensions.js";

const config = await (await fetch("config.json")).json();
const cti = new CallingExtensions({
  hostOrigins: config.host_origins,
  eventHandlers: {
    onReady: (context) => {
      cti.initialized({ isLoggedIn: false, isAvailable: false, engagementId: context.engagementId || 0,
        sizeInfo: { width: 400, height: 600 } });
      document.getElementById("status").textContent = `Ready in ${cti.iframeLocation}`;
    },
  },
});
