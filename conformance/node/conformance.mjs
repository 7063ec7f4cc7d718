// Conformance of cmd/fingerprint-fake with the vendor's Node SDK (@fingerprint/node-sdk),
// a client nobody in this project wrote. The SDK is used as a client only: it is installed
// from the npm registry into an ignored cache (see .ci/run), never copied here.
//
// Run by conformance/node/node_test.go, which starts the fakes and writes the config:
//   FINGERPRINT_NODE_SDK_DIR  the installed package (holds package.json and dist/)
//   CONFORMANCE_CONFIG        a JSON file, see node_test.go (type config)
// Prints one line per call ("ok   name: detail" or "FAIL name: why") and a summary, and
// exits 1 on any divergence.

import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { isDeepStrictEqual } from 'node:util'

const sdkDir = process.env.FINGERPRINT_NODE_SDK_DIR
const cfg = JSON.parse(readFileSync(process.env.CONFORMANCE_CONFIG, 'utf8'))
const sdkVersion = JSON.parse(readFileSync(join(sdkDir, 'package.json'), 'utf8')).version
const sdk = await import(pathToFileURL(join(sdkDir, 'dist', 'index.mjs')).href)
const { FingerprintServerApiClient, TooManyRequestsError, ServerApiError, unsealEventsResponse, isValidWebhookSignature } = sdk

// The SDK only knows the vendor's hosts; its documented fetch option sends each request
// to the fake instead (same path and query, another origin).
function clientFor(baseURL, apiKey) {
  const target = new URL(baseURL)
  const fetchToFake = (input, init) => {
    const u = new URL(typeof input === 'string' || input instanceof URL ? input : input.url)
    u.protocol = target.protocol
    u.host = target.host
    return fetch(u, init)
  }
  return new FingerprintServerApiClient({ apiKey, fetch: fetchToFake })
}

const api = clientFor(cfg.url, cfg.key)
const limited = clientFor(cfg.limited_url, cfg.key)
const wrongKey = clientFor(cfg.url, 'not-the-key-0123456789')

let calls = 0
const failures = []

// check runs one call; fn returns a detail string or throws to report a divergence.
async function check(name, fn) {
  calls++
  try {
    const detail = await fn()
    console.log(`ok   ${name}${detail ? ': ' + detail : ''}`)
  } catch (e) {
    failures.push(name)
    console.log(`FAIL ${name}: ${e && e.message ? e.message : e}`)
  }
}

function assert(cond, msg) {
  if (!cond) throw new Error(msg)
}

// expectError runs fn, which must reject with the API error want describes.
async function expectError(name, fn, want) {
  await check(name, async () => {
    let err
    try {
      await fn()
    } catch (e) {
      err = e
    }
    assert(err, 'resolved, want an error')
    assert(err instanceof ServerApiError, `got ${err && err.name}: ${err && err.message}, want ServerApiError`)
    assert(err.statusCode === want.status, `status ${err.statusCode}, want ${want.status}`)
    assert(err.errorCode === want.code, `code ${err.errorCode}, want ${want.code}`)
    if (want.message) assert(err.message === want.message, `message "${err.message}", want "${want.message}"`)
    if (want.status === 429) assert(err instanceof TooManyRequestsError, 'a 429 must be a TooManyRequestsError')
    let detail = `${err.statusCode} ${err.errorCode} "${err.message}"`
    if (want.retryAfter) {
      const ra = err.response.headers.get('retry-after')
      assert(/^[0-9]+$/.test(ra ?? ''), `Retry-After "${ra}", want whole seconds`)
      assert(want.retryAfter(Number(ra)), `Retry-After ${ra} out of range`)
      detail += `, Retry-After ${ra}`
    }
    return detail
  })
}

// Search order: newest first, ties by event_id descending; reverse is the opposite.
const before = (a, b) => a.timestamp !== b.timestamp ? a.timestamp > b.timestamp : a.event_id > b.event_id

// pageAll pages through a search to its end and returns every event.
async function pageAll(filter) {
  const all = []
  let key
  for (let page = 0; page < 1000; page++) {
    const res = await api.searchEvents({ ...filter, ...(key ? { pagination_key: key } : {}) })
    assert(Array.isArray(res.events), 'events is not an array')
    assert(res.events.length <= filter.limit, `page of ${res.events.length} over limit ${filter.limit}`)
    all.push(...res.events)
    if (!res.pagination_key) return all
    assert(res.events.length === filter.limit, 'a pagination_key after a short page')
    key = res.pagination_key
  }
  throw new Error('more than 1000 pages')
}

// searchWhere checks that a filtered search returns only (and, with nonEmpty, some)
// events for which pred holds.
async function searchWhere(name, filter, pred, nonEmpty = true) {
  await check(`searchEvents ${name}`, async () => {
    const res = await api.searchEvents({ limit: 100, ...filter })
    const bad = res.events.find((e) => !pred(e))
    assert(!bad, `event ${bad && bad.event_id} does not match`)
    if (nonEmpty) assert(res.events.length > 0, 'no events; the seeded data has matches')
    return `${res.events.length} events`
  })
}

// --- search, paging and total_hits -------------------------------------------------

let newest = []
await check('searchEvents total_hits', async () => {
  const res = await api.searchEvents({ limit: 100, total_hits: 1000 })
  newest = res.events
  assert(res.total_hits === cfg.device_events, `total_hits ${res.total_hits}, want ${cfg.device_events}`)
  assert(res.events.length === Math.min(100, cfg.device_events), `${res.events.length} events`)
  return `total_hits ${res.total_hits}`
})
let forward = []
await check('searchEvents paging to the end, newest first', async () => {
  forward = await pageAll({ limit: 7 })
  for (let i = 1; i < forward.length; i++) assert(before(forward[i - 1], forward[i]), `out of order at ${i}`)
  assert(new Set(forward.map((e) => e.event_id)).size === forward.length, 'duplicates')
  assert(forward.length === cfg.device_events, `${forward.length} events, want ${cfg.device_events}`)
  return `${forward.length} events in ${Math.ceil(forward.length / 7)} pages`
})
await check('searchEvents paging to the end, oldest first (reverse)', async () => {
  const back = await pageAll({ limit: 7, reverse: true })
  for (let i = 1; i < back.length; i++) assert(before(back[i], back[i - 1]), `out of order at ${i}`)
  const ids = back.map((e) => e.event_id).reverse()
  assert(isDeepStrictEqual(ids, forward.map((e) => e.event_id)), 'not the same events as newest first')
  return `${back.length} events`
})
await check('searchEvents edge paging (source=edge)', async () => {
  const edge = await pageAll({ limit: 3, source: 'edge' })
  assert(edge.every((e) => e.source === 'edge'), 'a device event')
  assert(edge.length === cfg.edge_events, `${edge.length}, want ${cfg.edge_events}`)
  return `${edge.length} events`
})

// --- get, with and without a ruleset ------------------------------------------------

const sample = forward.find((e) => e.identification && e.linked_id && e.sdk && e.ip_address && e.ip_address.includes('.'))
await check('getEvent', async () => {
  const ev = await api.getEvent(sample.event_id)
  assert(isDeepStrictEqual(ev, sample), 'differs from the same event in search')
  return sample.event_id
})
await check('getEvent with ruleset_id', async () => {
  const ev = await api.getEvent(sample.event_id, { ruleset_id: cfg.ruleset })
  const ra = ev.rule_action
  assert(ra && ra.ruleset_id === cfg.ruleset, `rule_action ${JSON.stringify(ra)}`)
  assert(ra.type === (ev.bot === 'bad' ? 'block' : 'allow'), `type ${ra.type} for bot ${ev.bot}`)
  return `rule_action ${ra.type}`
})
await check('getEvent with ruleset_id, bad bot', async () => {
  const ev = await api.getEvent(cfg.bad_bot_event_id, { ruleset_id: cfg.ruleset })
  assert(ev.rule_action && ev.rule_action.type === 'block', `rule_action ${JSON.stringify(ev.rule_action)}`)
  return 'rule_action block'
})
await expectError('getEvent unknown event', () => api.getEvent('1700000000000.nope00'),
  { status: 404, code: 'event_not_found', message: 'event id not found' })
await expectError('getEvent unknown ruleset', () => api.getEvent(sample.event_id, { ruleset_id: 'rs_unknown' }),
  { status: 400, code: 'ruleset_not_found', message: 'ruleset not found' })
await expectError('getEvent wrong API key', () => wrongKey.getEvent(sample.event_id),
  { status: 403, code: 'secret_api_key_not_found' })

// --- every kind of search filter --------------------------------------------------

const pick = (pred) => forward.find(pred)
const visitorID = sample.identification.visitor_id
await searchWhere('visitor_id (string)', { visitor_id: visitorID }, (e) => e.identification.visitor_id === visitorID)
await searchWhere('linked_id (string)', { linked_id: sample.linked_id }, (e) => e.linked_id === sample.linked_id)
const withURL = pick((e) => e.url)
const origin = new URL(withURL.url).origin
await searchWhere('origin (string)', { origin }, (e) => new URL(e.url).origin === origin)
await searchWhere('sdk_platform (enum)', { sdk_platform: sample.sdk.platform }, (e) => e.sdk.platform === sample.sdk.platform)
await searchWhere('bot (enum)', { bot: 'bad' }, (e) => e.bot === 'bad')
await searchWhere('bot=all', { bot: 'all' }, (e) => e.bot === 'good' || e.bot === 'bad')
await searchWhere('vpn (boolean)', { vpn: true }, (e) => e.vpn === true, false)
await searchWhere('suspect=false (boolean)', { suspect: false }, (e) => e.suspect === false, false)
await searchWhere('incognito (boolean)', { incognito: true }, (e) => e.incognito === true, false)
const scored = pick((e) => typeof e.suspect_score === 'number' && e.suspect_score > 0)
await searchWhere('min_suspect_score (number)', { min_suspect_score: scored.suspect_score - 0.5 },
  (e) => e.suspect_score >= scored.suspect_score - 0.5)
const prefix = sample.ip_address.split('.').slice(0, 3).join('.')
await searchWhere('ip_address (CIDR)', { ip_address: `${prefix}.0/24` }, (e) => e.ip_address.startsWith(prefix + '.'))
await searchWhere('ip_address (one address)', { ip_address: sample.ip_address }, (e) => e.ip_address === sample.ip_address)
const categories = [...new Set(forward.filter((e) => e.bot_info).map((e) => e.bot_info.category))].slice(0, 2)
await searchWhere('bot_info_category (repeated keys)', { bot_info_category: categories },
  (e) => e.bot_info && categories.includes(e.bot_info.category))
const env = pick((e) => e.environment_id)
await searchWhere('environment (repeated keys)', { environment: [env.environment_id, 'ae_none'] },
  (e) => e.environment_id === env.environment_id)
const lo = forward[Math.floor(forward.length / 2)].timestamp
const hi = forward[Math.floor(forward.length / 4)].timestamp
await searchWhere('start and end (Unix ms)', { start: lo, end: hi }, (e) => e.timestamp >= lo && e.timestamp <= hi)
await searchWhere('start (RFC 3339)', { start: new Date(lo).toISOString() }, (e) => e.timestamp >= lo)
// The bot filter says "none" for events whose bot is "not_detected".
const botFilter = sample.bot === 'not_detected' ? 'none' : sample.bot
await searchWhere('several filters at once', { visitor_id: visitorID, bot: botFilter, reverse: true },
  (e) => e.identification.visitor_id === visitorID && e.bot === sample.bot)

// --- section 1 of issue 10: search inputs the real API rejects ----------------------

await expectError('searchEvents linked_id of 257 characters', () => api.searchEvents({ linked_id: 'x'.repeat(257) }),
  { status: 400, code: 'request_cannot_be_parsed', message: "linked_id can't be greater than 256 characters long" })
await expectError('searchEvents malformed visitor_id', () => api.searchEvents({ visitor_id: 'not a visitor id' }),
  { status: 400, code: 'request_cannot_be_parsed', message: 'invalid visitor id' })
await expectError('searchEvents unknown visitor_id', () => api.searchEvents({ visitor_id: 'WellFormedButUnknown' }),
  { status: 404, code: 'visitor_not_found', message: 'visitor not found' })
await expectError('searchEvents start 91 days ago', () => api.searchEvents({ start: Date.now() - 91 * 86400e3 }),
  { status: 400, code: 'request_cannot_be_parsed', message: 'invalid start time' })
await expectError('searchEvents start=0', () => api.searchEvents({ start: 0 }),
  { status: 400, code: 'request_cannot_be_parsed', message: 'invalid start time' })
await expectError('searchEvents pagination_key=%%%%', () => api.searchEvents({ pagination_key: '%%%%' }),
  { status: 400, code: 'request_cannot_be_parsed', message: 'invalid pagination key' })
await expectError('searchEvents ip_address with a zone', () => api.searchEvents({ ip_address: 'fe80::1%eth0' }),
  { status: 400, code: 'request_cannot_be_parsed', message: 'invalid ip address' })
await expectError('searchEvents limit=1000', () => api.searchEvents({ limit: 1000 }),
  { status: 400, code: 'request_cannot_be_parsed', message: 'invalid limit' })

// --- update (the SDK sends the body without a Content-Type: text/plain) --------------

await check('updateEvent', async () => {
  const res = await api.updateEvent(sample.event_id, { linked_id: 'conformance-1', tags: { run: 'node' }, suspect: true })
  assert(res === undefined, 'resolved with a value')
  const ev = await api.getEvent(sample.event_id)
  assert(ev.linked_id === 'conformance-1' && ev.suspect === true && isDeepStrictEqual(ev.tags, { run: 'node' }),
    `not applied: ${JSON.stringify({ linked_id: ev.linked_id, suspect: ev.suspect, tags: ev.tags })}`)
  const found = await api.searchEvents({ linked_id: 'conformance-1' })
  assert(found.events.length === 1 && found.events[0].event_id === sample.event_id, 'search does not see it')
  return 'applied, and search sees it'
})
await check('updateEvent suspect=false', async () => {
  await api.updateEvent(sample.event_id, { suspect: false })
  const ev = await api.getEvent(sample.event_id)
  assert(ev.suspect === false && ev.linked_id === 'conformance-1', 'suspect:false not applied, or other fields lost')
  return 'applied'
})
await expectError('updateEvent unknown event', () => api.updateEvent('1700000000000.nope00', { suspect: true }),
  { status: 404, code: 'event_not_found', message: 'event id not found' })
await expectError('updateEvent fresh event', () => api.updateEvent(cfg.fresh_event_id, { suspect: true }),
  { status: 409, code: 'state_not_ready', message: 'resource is not mutable yet, try again' })
await expectError('updateEvent unknown field', () => api.updateEvent(sample.event_id, { invalid: 'payload' }),
  { status: 400, code: 'request_cannot_be_parsed' })
await expectError('updateEvent linked_id of 257 characters', () => api.updateEvent(sample.event_id, { linked_id: 'x'.repeat(257) }),
  { status: 400, code: 'request_cannot_be_parsed', message: "linked_id can't be greater than 256 characters long" })
await expectError('updateEvent event older than one month', () => api.updateEvent(cfg.old_event_id, { suspect: true }),
  { status: 400, code: 'request_cannot_be_parsed' })

// --- delete, then the DELETE quota (the fake runs with -delete-quota-hour 3) ----------

const gone = forward.find((e) => e.identification && e.identification.visitor_id !== visitorID)
await check('deleteVisitorData', async () => {
  const res = await api.deleteVisitorData(gone.identification.visitor_id)
  assert(res === undefined, 'resolved with a value')
  return gone.identification.visitor_id
})
await expectError('getEvent after deleteVisitorData', () => api.getEvent(gone.event_id),
  { status: 404, code: 'event_not_found' })
await expectError('searchEvents deleted visitor', () => api.searchEvents({ visitor_id: gone.identification.visitor_id }),
  { status: 404, code: 'visitor_not_found' })
await expectError('deleteVisitorData unknown visitor', () => api.deleteVisitorData('WellFormedButUnknown'),
  { status: 404, code: 'visitor_not_found', message: 'visitor not found' })
await expectError('deleteVisitorData unknown visitor, last within the quota', () => api.deleteVisitorData('AlsoUnknown'),
  { status: 404, code: 'visitor_not_found' })
await expectError('deleteVisitorData over the DELETE quota', () => api.deleteVisitorData(visitorID),
  { status: 429, code: 'too_many_requests', message: 'too many requests', retryAfter: (s) => s > 3000 && s <= 3600 })

// --- the rate limit (a second fake: -rate-limit 0.5 -burst 2) --------------------------

await check('rate-limited fake, within the burst', async () => {
  const res = await limited.searchEvents({ limit: 1 })
  await limited.getEvent(res.events[0].event_id)
  return '2 calls'
})
await expectError('searchEvents over the rate limit', () => limited.searchEvents({ limit: 1 }),
  { status: 429, code: 'too_many_requests', message: 'too many search requests', retryAfter: (s) => s >= 1 && s <= 2 })
await expectError('getEvent over the rate limit', () => limited.getEvent(sample.event_id),
  { status: 429, code: 'too_many_requests', message: 'too many requests', retryAfter: (s) => s >= 1 && s <= 2 })

// --- sealed results and webhooks, made by this SDK's SealEvent and SignWebhookPayload ---

const sealed = Buffer.from(cfg.sealed.payload, 'base64')
const key = { key: Buffer.from(cfg.sealed.key, 'base64'), algorithm: 'aes-256-gcm' }
const otherKey = { key: Buffer.alloc(32, 7), algorithm: 'aes-256-gcm' }
await check('unsealEventsResponse of a SealEvent payload', async () => {
  const ev = await unsealEventsResponse(sealed, [otherKey, key])
  assert(isDeepStrictEqual(ev, cfg.sealed.event), 'unsealed event differs from the one sealed')
  return `${ev.event_id}, second of two keys`
})
await check('unsealEventsResponse with the wrong key fails', async () => {
  let failed = false
  try {
    await unsealEventsResponse(sealed, [otherKey])
  } catch {
    failed = true
  }
  assert(failed, 'unsealed with a wrong key')
  return 'rejected'
})
const body = Buffer.from(cfg.webhook.body, 'base64')
await check('isValidWebhookSignature of a SignWebhookPayload header', async () => {
  assert(isValidWebhookSignature({ header: cfg.webhook.header, data: body, secret: cfg.webhook.secret }), 'rejected')
  assert(isValidWebhookSignature({ header: `v1=${'0'.repeat(64)},${cfg.webhook.header}`, data: body, secret: cfg.webhook.secret }),
    'rejected with a rotated signature first')
  return 'accepted'
})
await check('isValidWebhookSignature rejects a tampered body or another secret', async () => {
  const tampered = Buffer.concat([body, Buffer.from(' ')])
  assert(!isValidWebhookSignature({ header: cfg.webhook.header, data: tampered, secret: cfg.webhook.secret }), 'tampered body accepted')
  assert(!isValidWebhookSignature({ header: cfg.webhook.header, data: body, secret: 'another secret' }), 'other secret accepted')
  return 'rejected'
})

const summary = `node-sdk ${sdkVersion} conformance: ${calls} calls, ${failures.length} divergences`
console.log(summary)
process.exit(failures.length ? 1 : 0)
