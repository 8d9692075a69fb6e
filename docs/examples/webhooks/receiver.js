#!/usr/bin/env node
// A webhook receiver for descarga-masiva in plain Node.js (no packages): it checks each delivery's
// signature and timestamp before trusting it, handles each delivery once, and answers 2xx quickly.
//
//     WEBHOOK_SECRET=whsec_… PORT=9090 node receiver.js
//
// Prints one JSON line per event it accepts.
'use strict';
const crypto = require('node:crypto');
const http = require('node:http');

const SECRET = process.env.WEBHOOK_SECRET; // shown once when the webhook was added
const TOLERANCE_SECONDS = 300; // refuse deliveries signed longer ago than this (replays)

/** True when the delivery was signed with our secret, is intact, and is recent. */
function verify(secret, headers, rawBody, nowMs = Date.now()) {
  const timestamp = String(headers['x-descargamasiva-timestamp'] || '');
  const signature = String(headers['x-descargamasiva-signature'] || '');
  if (!/^\d+$/.test(timestamp)) return false;
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > TOLERANCE_SECONDS) return false;
  const expected =
    'sha256=' +
    crypto.createHmac('sha256', secret).update(timestamp + '.').update(rawBody).digest('hex');
  const a = Buffer.from(expected);
  const b = Buffer.from(signature);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

// A retry after a lost answer repeats a delivery id: remember the ones handled (a table, in real life).
const handled = new Set();

const server = http.createServer((request, response) => {
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    const rawBody = Buffer.concat(chunks); // the exact bytes: never re-serialise before verifying
    if (request.method !== 'POST' || !verify(SECRET, request.headers, rawBody)) {
      response.writeHead(401).end();
      return;
    }
    const delivery = request.headers['x-descargamasiva-delivery'];
    if (!handled.has(delivery)) {
      handled.add(delivery);
      const event = JSON.parse(rawBody.toString('utf8'));
      // Hand the event to a queue and answer at once; slow work here makes the delivery time out.
      console.log(JSON.stringify({ delivery, evento: event.evento, datos: event.datos }));
    }
    response.writeHead(204).end();
  });
});

server.listen(Number(process.env.PORT || 9090), process.env.HOST || '127.0.0.1', () => {
  console.log(`listening on ${server.address().port}`);
});
