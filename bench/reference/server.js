// Reference server for bench/live_vote.py --against reference (docs/performance.md).
//
// The subset of the live board's protocol the benchmark uses, on Node socket.io 4:
// namespace /live; a phone connects with its device cookie (fac_device) and the board's
// code, a screen with {role: "screen", code, key}; "answer" is acknowledged only after the
// answer is appended to a log file and fsync'd (answers arriving together share one
// write and one fsync: group commit); one answer per participant (a retry with the same
// client id is acknowledged as a duplicate); the tally ("results") and the count of
// connected phones ("presence") go to the screens, coalesced at 10 Hz.
//
//   node server.js CONFIG.json
//
// CONFIG: {"port", "code", "screen_key", "activity_id", "choices", "log",
//          "participants": {sha256(device key) hex: participant id}}
// GET /sante answers 200. Loopback only.
"use strict";

const crypto = require("crypto");
const fs = require("fs");
const http = require("http");
const { Server } = require("socket.io");

const config = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const participants = new Map(Object.entries(config.participants));
const answers = new Map(); // participant id -> client id
const tally = new Array(config.choices).fill(0);
const valueOf = new Map(); // participant id -> choice
const fd = fs.openSync(config.log, "a");

let pending = []; // [line, ack] waiting for the next group commit
let flushing = false;

function flush() {
  if (flushing || pending.length === 0) return;
  flushing = true;
  const batch = pending;
  pending = [];
  const data = batch.map((item) => item[0]).join("");
  fs.write(fd, data, (err) => {
    if (err) return fail(batch, err);
    fs.fsync(fd, (err2) => {
      if (err2) return fail(batch, err2);
      for (const item of batch) item[1]();
      flushing = false;
      flush();
    });
  });
}

function fail(batch, err) {
  console.error("log write failed", err);
  for (const item of batch) item[2]();
  flushing = false;
  flush();
}

function deviceKey(cookieHeader) {
  for (const part of (cookieHeader || "").split(";")) {
    const [name, ...rest] = part.trim().split("=");
    if (name === "fac_device") return rest.join("=");
  }
  return null;
}

const httpServer = http.createServer((req, res) => {
  if (req.url === "/sante") {
    res.writeHead(200, { "Content-Type": "application/json" });
    res.end('{"status":"ok"}');
    return;
  }
  res.writeHead(404);
  res.end();
});

const io = new Server(httpServer, { transports: ["websocket", "polling"] });
const live = io.of("/live");
let connected = 0;
let resultsDirty = false;
let presenceDirty = false;
let count = 0;

live.use((socket, next) => {
  const auth = socket.handshake.auth || {};
  if (auth.code !== config.code) return next(new Error("not_joined"));
  if (auth.role === "screen") {
    if (auth.key !== config.screen_key) return next(new Error("forbidden"));
    socket.data.role = "screen";
    return next();
  }
  const key = deviceKey(socket.handshake.headers.cookie);
  const hash = key && crypto.createHash("sha256").update(key).digest("hex");
  const id = hash && participants.get(hash);
  if (!id) return next(new Error("not_joined"));
  socket.data.role = "participant";
  socket.data.participant = id;
  next();
});

live.on("connection", (socket) => {
  if (socket.data.role === "screen") {
    socket.join("screen");
    socket.emit("state", { role: "screen", count, tally });
    presenceDirty = true;
  } else {
    connected += 1;
    presenceDirty = true;
    socket.emit("state", { role: "participant", activity_id: config.activity_id });
    socket.on("disconnect", () => {
      connected -= 1;
      presenceDirty = true;
    });
  }
  socket.on("answer", (data, ack) => {
    if (typeof ack !== "function") return;
    const id = socket.data.participant;
    if (!id) return ack({ ok: false, error: "forbidden", message: "not a phone" });
    if (!data || data.activity_id !== config.activity_id) {
      return ack({ ok: false, error: "not_found", message: "no such activity" });
    }
    const clientId = data.client_id;
    const value = Array.isArray(data.value) ? data.value[0] : data.value;
    if (typeof clientId !== "string" || clientId.length < 8 || clientId.length > 64 ||
        !Number.isInteger(value) || value < 0 || value >= config.choices) {
      return ack({ ok: false, error: "invalid", message: "unreadable" });
    }
    if (answers.get(id) === clientId) {
      return ack({ ok: true, client_id: clientId, activity_id: config.activity_id, duplicate: true });
    }
    const line = JSON.stringify([id, clientId, value]) + "\n";
    pending.push([
      line,
      () => {
        const previous = valueOf.get(id);
        if (previous !== undefined) tally[previous] -= 1;
        else count += 1;
        tally[value] += 1;
        valueOf.set(id, value);
        answers.set(id, clientId);
        resultsDirty = true;
        ack({ ok: true, client_id: clientId, activity_id: config.activity_id, duplicate: false });
      },
      () => ack({ ok: false, error: "unavailable", message: "please send again" }),
    ]);
    setImmediate(flush);
  });
});

setInterval(() => {
  if (resultsDirty) {
    resultsDirty = false;
    live.to("screen").emit("results", { activity_id: config.activity_id, count, tally });
  }
  if (presenceDirty) {
    presenceDirty = false;
    live.to("screen").emit("presence", { connected });
  }
}, 100);

httpServer.listen(config.port, "127.0.0.1", () => {
  console.log(`reference server on 127.0.0.1:${config.port}`);
});
for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => {
    fs.fsyncSync(fd);
    process.exit(0);
  });
}
