// The box's live events, dispatched to the screens they change.
import { api, comms, state } from "./widget-state.js";
import { permissionChanged } from "./dialing.js";
import { incomingCall } from "./incoming.js";
import { callState, endStatus, answerSdp, endCallLocally } from "./call.js";

export function onBoxEvent(type, data) {
  switch (type) {
    case "call.incoming": return incomingCall(data);
    case "call.state": return callState(data);
    case "call.answer_sdp": return answerSdp(data);
    case "permission.changed": return permissionChanged(data);
    case "message.new":
    case "message.status": return comms.receive(type, data);
    case "reset": return resynchronise();
    default: return undefined;
  }
}

/** The box could not replay what was missed: ask it where our call stands now. */
export async function resynchronise() {
  const call = state.call;
  if (!call || !call.id) return;
  try {
    const status = await api.callStatus(call.id);
    callState({ ...status, call: call.id });
  } catch (error) {
    if (error.status === 404) endCallLocally(endStatus(call, "ended"));
  }
}
