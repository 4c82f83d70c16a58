// Incoming calls: the ring, the contact's record, answering and declining.
import { BrowserCall } from "./browser-call.js";
import { plainWords, displayNumber } from "./plain-words.js";
import { CONTACT_OBJECT_TYPE, $, api, comms, state } from "./widget-state.js";
import { tellHubSpot } from "./hubspot-link.js";
import { show, showError, clearError, renderIncoming, renderCalling } from "./screens.js";
import { newCall } from "./dialing.js";

export function incomingCall(data) {
  if (!state.agent || state.call) return;
  const call = newCall({
    direction: "inbound", id: data.call, remote: data.from, username: data.username || "", callerName: data.caller_name || "",
    contact: data.contact, offerSdp: data.offer_sdp, ringReason: data.ring_reason, via: null,
    startedAt: data.rings_at_ms || Date.now(),
  });
  state.call = call;
  renderIncoming();
  show("incoming");
  comms.show(call.remote, call.contact && call.contact.id);
}

/** Shows the caller's contact in HubSpot while the agent talks to them, as HubSpot's own
 * inbound calling does. */
export function openContactRecord(call) {
  const portalId = Number(state.syncContext && state.syncContext.portalId);
  const objectId = Number(call.contact && call.contact.id);
  if (!portalId || !objectId || call.recordOpened) return;
  call.recordOpened = true;
  tellHubSpot("navigateToRecord", {
    objectCoordinates: { portalId, objectId, objectTypeId: CONTACT_OBJECT_TYPE },
    engagementId: call.engagementId || undefined,
  });
}

/** HubSpot hears of an inbound call only from the widget that takes it: every widget that rang
 * would otherwise create its own engagement for the one call (and leave the unanswered ones as
 * ghosts, SDK issue #46). Calls nobody took here are logged by the box itself. */
export function announceIncoming(call) {
  call.announced = true;
  tellHubSpot("incomingCall", {
    externalCallId: call.externalCallId,
    fromNumber: displayNumber(call.remote),
    toNumber: (state.config && state.config.business_number) || "",
    callStartTime: call.startedAt,
    createEngagement: true,
  });
}

export async function answer(via) {
  const call = state.call;
  if (!call || state.screen !== "incoming") return;
  clearError();
  for (const id of ["incoming-answer", "incoming-handset", "incoming-decline"]) $(id).disabled = true;
  try {
    let sdp = null;
    if (via === "browser") {
      call.media = new BrowserCall($("remote-audio"));
      sdp = await call.media.answer(call.offerSdp);
    }
    call.answeredHere = true;
    call.via = via;
    await api.answerCall(call.id, via, sdp);
    if (state.call !== call || call.finished) return;
    if (!call.announced) announceIncoming(call);
    if (!call.answeredAt) {
      call.answeredAt = Date.now();
      tellHubSpot("callAnswered", { externalCallId: call.externalCallId });
    }
    // The box's "active" may have come over the stream before this answer returned.
    if (call.direction === "inbound") openContactRecord(call);
    renderCalling();
    if (state.screen !== "calling") show("calling");
  } catch (error) {
    if (state.call === call) {
      call.media && call.media.close();
      call.media = null;
      call.answeredHere = false;
      call.via = null;
      if (error.status === 409 || error.status === 404) leaveIncoming("CANCELED");
      showError(plainWords(error));
    }
  } finally {
    for (const id of ["incoming-answer", "incoming-handset", "incoming-decline"]) $(id).disabled = false;
  }
}

export async function decline() {
  const call = state.call;
  if (!call || state.screen !== "incoming") return;
  try {
    await api.rejectCall(call.id);
  } catch (error) {
    if (error.status !== 409 && error.status !== 404) showError(plainWords(error));
  }
  if (state.call === call) leaveIncoming("CANCELED");
}

/** The call stops ringing here without being answered here (declined, answered elsewhere, gone). */
export function leaveIncoming(callEndStatus) {
  const call = state.call;
  call.finished = true;
  if (call.announced) {
    tellHubSpot("callEnded", { externalCallId: call.externalCallId, engagementId: call.engagementId || undefined, callEndStatus });
  }
  state.call = null;
  show("keypad");
}
