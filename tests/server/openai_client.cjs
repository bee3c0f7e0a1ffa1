// The official `openai` npm client against `lumen serve`: a non-streamed and a
// streamed chat completion, a completion, the model list, and an error.
// usage: NODE_PATH=build/npm/node_modules node openai_client.cjs BASE_URL
"use strict";
const OpenAI = require("openai");
const assert = require("node:assert/strict");

async function main() {
  const client = new OpenAI({ baseURL: process.argv[2], apiKey: "classroom-key", maxRetries: 0 });
  const models = await client.models.list();
  assert.equal(models.data[0].id, "stories260K");

  const ask = { model: "stories260K", messages: [{ role: "user", content: "Once upon a time" }], max_tokens: 20,
                temperature: 0 };
  const full = await client.chat.completions.create(ask);
  const text = full.choices[0].message.content;
  assert.equal(full.object, "chat.completion");
  assert.equal(full.choices[0].message.role, "assistant");
  assert.equal(full.choices[0].finish_reason, "length");
  assert.equal(full.usage.completion_tokens, 20);
  assert.ok(text.length > 10, text);

  const stream = await client.chat.completions.create({ ...ask, stream: true, stream_options: { include_usage: true } });
  let streamed = "", finish = null, usage = null, chunks = 0;
  for await (const chunk of stream) {
    chunks++;
    if (chunk.usage) usage = chunk.usage;
    const c = chunk.choices[0];
    if (!c) continue;
    streamed += c.delta.content ?? "";
    if (c.finish_reason) finish = c.finish_reason;
  }
  assert.equal(streamed, text);
  assert.equal(finish, "length");
  assert.equal(usage.completion_tokens, 20);
  assert.ok(chunks >= 3);  // text (pieces that arrive together share an event), finish, usage

  const done = await client.completions.create({ model: "stories260K", prompt: "Once upon a time", max_tokens: 20,
                                                 temperature: 0 });
  assert.equal(done.choices[0].text, text);

  await assert.rejects(client.chat.completions.create({ ...ask, model: "gpt-4o" }), (e) => {
    assert.equal(e.status, 404);
    assert.equal(e.code, "model_not_found");
    return true;
  });
  await assert.rejects(client.chat.completions.create({ ...ask, temperature: "hot" }), (e) => {
    assert.equal(e.status, 400);
    assert.equal(e.param, "temperature");
    return true;
  });
  console.log(`openai client ok: "${text.slice(0, 40)}..." (${chunks} chunks streamed)`);
}

main().catch((e) => {
  console.error("FAIL", e);
  process.exit(1);
});
