// What the agent reads when something goes wrong: the box's error codes in plain words, and
// times in the agent's own clock.

const MESSAGES = {
  unreachable: "The box cannot be reached. Check the network and try again.",
  no_session: "You have been signed out. Please sign in again.",
  bad_credentials: "That email and password do not match an agent on this box.",
  too_many_attempts: "Too many sign-in attempts. Wait a few minutes and try again.",
  busy: "The box is busy. Try again in a moment.",
  csrf: "Your session is out of date. Please sign in again.",
  bad_phone: "That is not a phone number in international form, e.g. +34 600 111 222.",
  empty_message: "Write a message first.",
  message_too_long: "The message is too long for WhatsApp (4,096 characters at most).",
  window_closed: "WhatsApp only allows a free-form text within 24 hours of the customer's last message. Ask them to write first, or call.",
  whatsapp_not_configured: "WhatsApp is not set up on this box yet. Ask the administrator.",
  graph_unreachable: "WhatsApp (Meta) cannot be reached right now. Try again in a moment.",
  graph_timeout: "WhatsApp did not answer in time. The message may still arrive: check the conversation before sending again.",
  already_answered: "Someone else already answered this call.",
  not_ringing: "This call is no longer ringing.",
  journal_unavailable: "The box cannot read its records right now. Try again in a moment.",
  microphone: "The browser has no microphone access. Allow the microphone for this page, or send the call to the desk handset.",
};

/** A sentence for an ApiError or any other failure. */
export function plainWords(error) {
  if (error && error.name === "NotAllowedError") return MESSAGES.microphone;
  if (error && error.name === "NotFoundError") return MESSAGES.microphone;
  const known = error && MESSAGES[error.code];
  if (known) return known;
  if (error && error.status === 422 && error.message) return error.message;
  if (error && error.status === 409) return error.message || "The line is busy with another call.";
  if (error && error.status >= 500 && error.message) return "The box could not do that: " + error.message;
  return (error && error.message) || "Something went wrong.";
}

/** "14:05" today, "Mon 21 Nov, 14:05" otherwise; "" for nothing. */
export function clockTime(value) {
  if (value === null || value === undefined || value === "") return "";
  const when = new Date(value);
  if (Number.isNaN(when.getTime())) return "";
  const now = new Date();
  const time = when.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  if (when.toDateString() === now.toDateString()) return time;
  return when.toLocaleDateString([], { weekday: "short", day: "numeric", month: "short" }) + ", " + time;
}

/** "0:42" or "1:02:03". */
export function duration(milliseconds) {
  const total = Math.max(0, Math.floor(milliseconds / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, "0");
  return hours > 0 ? hours + ":" + String(minutes).padStart(2, "0") + ":" + seconds : minutes + ":" + seconds;
}

/** Meta and the box write numbers as bare digits; people read them with a leading "+". */
export function displayNumber(number) {
  const text = String(number || "");
  return /^\d+$/.test(text) ? "+" + text : text;
}

/**
 * Where a number would be: the number, or for a WhatsApp user who has none (a username
 * user, known by a user id such as "US.1349…") their username, else their user id.
 */
export function displayUser(number, username) {
  const text = String(number || "");
  if (/^\d+$/.test(text)) return "+" + text;
  if (username) return username + " (WhatsApp username)";
  return text ? "WhatsApp user " + text : "";
}

/** Digits only, so "+34 600-111 222" and "34600111222" name the same phone. */
export function samePhone(a, b) {
  // A WhatsApp user id ("US.1349…") is compared whole; only phones are compared by digits.
  if (/[A-Za-z]/.test(String(a || "")) || /[A-Za-z]/.test(String(b || ""))) return a !== "" && a === b;
  const digits = (text) => String(text || "").replace(/\D/g, "").replace(/^00/, "");
  return digits(a) !== "" && digits(a) === digits(b);
}
