-- A mixed day: single sends (MIX_SINGLE %), batches of MIX_BATCH_SIZE (MIX_BATCH %), reads of a
-- message this thread sent (MIX_READ %), handset inbox reads (MIX_HANDSET %), and, when
-- WEBHOOK_CORPUS is set (the endpoint exists), signed provider webhooks (MIX_WEBHOOK %).
-- Percentages are of requests; the defaults are 60 / 5 / 20 / 10 / 5.
package.path = (os.getenv("LOADTESTS_LUA") or "loadtests/wrk") .. "/?.lua;" .. package.path
local common = require("common")

local function percent(name, default)
  return tonumber(os.getenv(name) or default)
end

local batchSize = percent("MIX_BATCH_SIZE", "100")
local kinds = {}
local sends, batches, webhooks = {}, {}, {}
local cursor = { send = 0, batch = 0, webhook = 0, handset = 0 }
local ids, idCount, idNext = {}, 0, 0
local authOnly = { ["Authorization"] = "Bearer " .. common.key }

-- Kept per thread and read by done() through thread:get().
accepted = 0
counts = { send = 0, batch = 0, read = 0, handset = 0, webhook = 0 }

function setup(thread)
  common.setup(thread)
end

local function cycle(list, name)
  cursor[name] = cursor[name] % #list + 1
  return list[cursor[name]]
end

function init(args)
  for n = tid, common.conversations - 1, common.threadCount do
    sends[#sends + 1] = wrk.format("POST", "/v1/messages", common.jsonHeaders, common.message(n))
  end
  for b = 0, 3 do
    local first = (tid + b * common.threadCount) * batchSize
    batches[#batches + 1] = wrk.format("POST", "/v1/messages/batch", common.jsonHeaders, common.batch(first, batchSize, 1))
  end

  local corpus = os.getenv("WEBHOOK_CORPUS")
  if corpus and corpus ~= "" then
    local path = os.getenv("WEBHOOK_PATH") or "/webhooks/whatsapp"
    local header = os.getenv("WEBHOOK_SIGNATURE_HEADER") or "X-Hub-Signature-256"
    local file = assert(io.open(corpus, "r"))
    local line = 0
    for text in file:lines() do
      if line % common.threadCount == tid then
        local signature, body = text:match("^([^\t]+)\t(.*)$")
        webhooks[#webhooks + 1] = wrk.format("POST", path, { ["Content-Type"] = "application/json", [header] = signature }, body)
      end
      line = line + 1
    end
    file:close()
  end

  -- A table of 100 slots drawn in order keeps the mix exact and costs nothing per request.
  local shares = {
    { "send", percent("MIX_SINGLE", "60") },
    { "batch", percent("MIX_BATCH", "5") },
    { "read", percent("MIX_READ", "20") },
    { "handset", percent("MIX_HANDSET", "10") },
    { "webhook", #webhooks > 0 and percent("MIX_WEBHOOK", "5") or 0 },
  }
  for _, share in ipairs(shares) do
    for _ = 1, share[2] do
      kinds[#kinds + 1] = share[1]
    end
  end
  -- Interleave so that the kinds alternate instead of coming in runs (a step coprime with the
  -- table's length visits every slot once).
  local function gcd(a, b)
    while b ~= 0 do
      a, b = b, a % b
    end
    return a
  end
  assert(#kinds > 0, "the MIX_* shares add up to 0")
  local step, shuffled = 37, {}
  while gcd(step, #kinds) ~= 1 do
    step = step + 1
  end
  for i = 0, #kinds - 1 do
    shuffled[#shuffled + 1] = kinds[(i * step) % #kinds + 1]
  end
  kinds = shuffled
end

local slot = 0

function request()
  slot = slot % #kinds + 1
  local kind = kinds[slot]
  if kind == "read" and idCount == 0 then
    kind = "send"
  end
  counts[kind] = counts[kind] + 1
  if kind == "send" then
    return cycle(sends, "send")
  elseif kind == "batch" then
    return cycle(batches, "batch")
  elseif kind == "webhook" then
    return cycle(webhooks, "webhook")
  elseif kind == "handset" then
    cursor.handset = (cursor.handset + common.threadCount) % common.conversations
    return wrk.format("GET", "/sandbox/handsets/" .. common.customer(tid + cursor.handset) .. "/messages", authOnly)
  end
  idNext = idNext % idCount + 1
  return wrk.format("GET", "/v1/messages/" .. ids[idNext], authOnly)
end

-- Counts accepted messages from the 202 bodies (one per "accepted" result, so a batch counts
-- its accepted items) and keeps up to 5,000 message ids for the reads.
local marker = '"status":"accepted"'

function response(status, headers, body)
  if status ~= 202 then
    return
  end
  if body:sub(1, 12) == '{"results":[' then
    local at = 1
    while true do
      at = body:find(marker, at, true)
      if not at then
        break
      end
      accepted = accepted + 1
      at = at + #marker
    end
    return
  end
  if not body:find(marker, 1, true) then
    return
  end
  accepted = accepted + 1
  if idCount < 5000 then
    local id = body:match('"id":"([^"]+)"')
    if id then
      idCount = idCount + 1
      ids[idCount] = id
    end
  end
end

function done(summary, latency, requests)
  local byKind = { send = 0, batch = 0, read = 0, handset = 0, webhook = 0 }
  for _, thread in ipairs(common.threads()) do
    local c = thread:get("counts")
    for k in pairs(byKind) do
      byKind[k] = byKind[k] + (c[k] or 0)
    end
  end
  common.report(summary, latency, {
    acceptedMessages = common.sum("accepted"),
    requestsByKind = byKind,
    batchSize = batchSize,
    webhooks = byKind.webhook > 0,
  })
end
