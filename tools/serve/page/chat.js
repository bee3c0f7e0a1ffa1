// The chat page: sends the conversation to /v1/chat/completions, streams the
// answer (server-sent events), renders Markdown (marked) and math (KaTeX) the
// same way for questions and answers. No network beyond this server.
"use strict";

const $ = (id) => document.getElementById(id);
const state = { history: [], controller: null, baseModel: "" };

function escapeHtml(s) {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

// Math first (so Markdown does not eat its underscores and stars), then Markdown.
// $$..$$ and \[..\] are display math; $..$ and \(..\) inline. Raw HTML from the
// model is shown as text, never run.
const MATH = /\$\$([\s\S]+?)\$\$|\\\[([\s\S]+?)\\\]|\\\(([\s\S]+?)\\\)|\$([^\s$](?:[^$\n]*?[^\s$])?)\$/g;
function render(text) {
  const formulas = [];
  const marked_ok = typeof marked !== "undefined", katex_ok = typeof katex !== "undefined";
  const src = !katex_ok ? text : text.replace(MATH, (m, d1, d2, i1, i2) => {
    const display = d1 !== undefined || d2 !== undefined;
    const tex = d1 ?? d2 ?? i1 ?? i2;
    formulas.push(katex.renderToString(tex, { displayMode: display, throwOnError: false }));
    return `\u0000${formulas.length - 1}\u0000`;
  });
  const html = marked_ok ? marked.parse(src) : `<p>${escapeHtml(src).replace(/\n/g, "<br>")}</p>`;
  return html.replace(/\u0000(\d+)\u0000/g, (m, i) => formulas[Number(i)]);
}

function addMessage(role, text) {
  const div = document.createElement("article");
  div.className = `msg ${role}`;
  const who = document.createElement("div");
  who.className = "who";
  who.textContent = role === "user" ? "You" : "Tutor";
  const body = document.createElement("div");
  body.className = "body";
  div.append(who, body);
  if (role === "assistant") {
    const copy = document.createElement("button");
    copy.type = "button";
    copy.className = "copy";
    copy.textContent = "Copy";
    copy.setAttribute("aria-label", "Copy this answer");
    copy.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(div.dataset.text || "");
        copy.textContent = "Copied";
      } catch {
        copy.textContent = "Copy failed";
      }
      setTimeout(() => (copy.textContent = "Copy"), 1500);
    });
    who.append(copy);
  }
  $("log").append(div);
  setText(div, text);
  return div;
}

function setText(div, text) {
  div.dataset.text = text;
  div.querySelector(".body").innerHTML = render(text);
  $("log").scrollTop = $("log").scrollHeight;
}

function headers() {
  const h = { "Content-Type": "application/json" };
  const key = $("api-key").value.trim();
  if (key) h.Authorization = `Bearer ${key}`;
  return h;
}

function busy(on, message) {
  $("send").disabled = on;
  $("stop").disabled = !on;
  $("status").textContent = message;
}

async function ask(question) {
  state.history.push({ role: "user", content: question });
  addMessage("user", question);
  const out = addMessage("assistant", "");
  out.setAttribute("aria-busy", "true");
  const body = { model: $("subject").value || undefined, messages: state.history, stream: true };
  const max = parseInt($("max-tokens").value, 10);
  if (max > 0) body.max_tokens = max;
  state.controller = new AbortController();
  busy(true, "Answering…");
  let text = "", finish = "";
  try {
    const res = await fetch("/v1/chat/completions", {
      method: "POST", headers: headers(), body: JSON.stringify(body), signal: state.controller.signal,
    });
    if (!res.ok) {
      const err = await res.json().catch(() => ({}));
      throw new Error(err.error?.message || `HTTP ${res.status}`);
    }
    const reader = res.body.getReader(), decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let cut;
      while ((cut = buffer.indexOf("\n\n")) >= 0) {
        const event = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        for (const line of event.split("\n")) {
          if (!line.startsWith("data: ") || line === "data: [DONE]") continue;
          const chunk = JSON.parse(line.slice(6));
          if (chunk.error) throw new Error(chunk.error.message);
          const choice = chunk.choices?.[0];
          if (choice?.delta?.content) text += choice.delta.content;
          if (choice?.finish_reason) finish = choice.finish_reason;
        }
        setText(out, text);
      }
    }
    busy(false, finish === "length" ? "The answer reached its length limit." : "");
  } catch (e) {
    if (e.name === "AbortError") {
      out.classList.add("stopped");
      busy(false, "Stopped.");
    } else {
      busy(false, `Error: ${e.message}`);
    }
  }
  out.removeAttribute("aria-busy");
  out.dataset.done = finish || "stopped";
  state.history.push({ role: "assistant", content: text });
  state.controller = null;
}

async function loadSubjects() {
  try {
    const res = await fetch("/v1/models", { headers: headers() });
    const list = (await res.json()).data || [];
    const select = $("subject");
    select.innerHTML = "";
    for (const m of list) {
      const opt = document.createElement("option");
      opt.value = m.id;
      opt.textContent = m.parent ? m.id : `${m.id} (general)`;
      select.append(opt);
    }
  } catch {
    $("status").textContent = "Could not list the subjects.";
  }
}

function newChat() {
  if (state.controller) state.controller.abort();
  state.history = [];
  $("log").innerHTML = "";
  $("question").focus();
}

document.addEventListener("DOMContentLoaded", () => {
  if (typeof marked !== "undefined") {
    marked.use({ renderer: { html: (html) => escapeHtml(typeof html === "string" ? html : html.text) } });
  }
  $("api-key").value = localStorage.getItem("lumen-api-key") || "";
  $("api-key").addEventListener("change", () => {
    localStorage.setItem("lumen-api-key", $("api-key").value.trim());
    loadSubjects();
  });
  $("ask").addEventListener("submit", (e) => {
    e.preventDefault();
    const q = $("question").value.trim();
    if (!q || state.controller) return;
    $("question").value = "";
    ask(q);
  });
  // Enter sends, Shift+Enter starts a new line.
  $("question").addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey) {
      e.preventDefault();
      $("ask").requestSubmit();
    }
  });
  $("stop").addEventListener("click", () => state.controller?.abort());
  $("new-chat").addEventListener("click", newChat);
  $("subject").addEventListener("change", newChat);
  loadSubjects();
  document.body.dataset.ready = "true";
});
