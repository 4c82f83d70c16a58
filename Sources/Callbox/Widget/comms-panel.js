// The communications panel: the WhatsApp conversation with the current contact, kept live by
// `message.new` / `message.status`, and a field to send a text.
import { plainWords, clockTime, samePhone } from "./plain-words.js";

/** Messages shown; the box sends the oldest first. */
const CONVERSATION_LIMIT = 50;

export class CommsPanel {
  constructor(api, elements) {
    this.api = api;
    this.panel = elements.panel;
    this.summary = elements.summary;
    this.list = elements.list;
    this.form = elements.form;
    this.text = elements.text;
    this.error = elements.error;
    this.phone = null;
    this.contactId = null;
    this.count = 0;
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.send();
    });
  }

  /** Show the conversation with `phone` (null hides the panel). */
  async show(phone, contactId) {
    if (samePhone(phone, this.phone)) {
      if (contactId) this.contactId = contactId;
      return;
    }
    this.phone = phone;
    this.contactId = contactId || null;
    this.list.replaceChildren();
    this.count = 0;
    this.hideError();
    this.panel.hidden = !phone;
    this.updateSummary();
    if (!phone) return;
    try {
      const answer = await this.api.conversation(phone, CONVERSATION_LIMIT);
      if (!samePhone(phone, this.phone)) return;
      for (const message of answer.messages || []) this.append(message);
    } catch (error) {
      this.showError(plainWords(error));
    }
  }

  /** A live event from the box. */
  receive(type, data) {
    if (!this.phone || !(samePhone(data.phone, this.phone) || data.contact_key === this.phone)) return;
    if (type === "message.new") this.append(data);
    if (type === "message.status") {
      const item = this.list.querySelector('[data-wamid="' + CSS.escape(data.wamid || "") + '"]');
      if (item) item.querySelector(".status").textContent = data.status || "";
    }
  }

  append(message) {
    if (message.wamid && this.list.querySelector('[data-wamid="' + CSS.escape(message.wamid) + '"]')) return;
    const item = document.createElement("li");
    item.className = message.direction === "outbound" ? "outbound" : "inbound";
    if (message.wamid) item.dataset.wamid = message.wamid;
    const body = document.createElement("span");
    body.textContent = message.body || message.caption || (message.type ? "[" + message.type + "]" : "");
    const meta = document.createElement("time");
    meta.textContent = clockTime(message.sent_at_ms) + " ";
    const status = document.createElement("span");
    status.className = "status";
    status.textContent = message.direction === "outbound" ? (message.status || "") : "";
    meta.append(status);
    item.append(body, meta);
    this.list.append(item);
    this.list.scrollTop = this.list.scrollHeight;
    this.count += 1;
    this.updateSummary();
  }

  updateSummary() {
    this.summary.textContent = "Messages" + (this.count ? " (" + this.count + ")" : "");
  }

  async send() {
    const message = this.text.value.trim();
    if (!message) {
      this.showError(plainWords({ code: "empty_message" }));
      return;
    }
    this.hideError();
    this.form.querySelector("button").disabled = true;
    try {
      const answer = await this.api.sendText(this.phone, message, this.contactId);
      this.append({ wamid: answer.wamid, direction: "outbound", body: message, status: "accepted", sent_at_ms: Date.now() });
      this.text.value = "";
    } catch (error) {
      this.showError(plainWords(error));
    } finally {
      this.form.querySelector("button").disabled = false;
      this.text.focus();
    }
  }

  showError(text) {
    this.error.textContent = text;
    this.error.hidden = false;
  }

  hideError() {
    this.error.hidden = true;
    this.error.textContent = "";
  }
}
