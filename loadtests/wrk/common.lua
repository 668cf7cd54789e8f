-- Shared by the wrk scenarios: request bodies, thread numbering and the JSON summary that
-- run.sh and the report read (instead of scraping wrk's text output).
--
-- Environment (all optional):
--   WRK_JSON       where done() writes the summary (no file when unset)
--   API_KEY        bearer key of the tenant (default: the demo tenant)
--   CHANNEL        channel of the sends (default sandbox; whatsapp also reaches the sandbox)
--   CONVERSATIONS  distinct customer numbers the sends spread over (default 10000)
--   NUMBER_BASE    first customer number after +3161 (default 0), so runs can use other ranges

local common = {}

common.key = os.getenv("API_KEY") or "mgw_demo_4f9c2e7a1b5d8c3e6f0a"
common.channel = os.getenv("CHANNEL") or "sandbox"
common.conversations = tonumber(os.getenv("CONVERSATIONS") or "10000")
common.numberBase = tonumber(os.getenv("NUMBER_BASE") or "0")

common.jsonHeaders = {
  ["Content-Type"] = "application/json",
  ["Authorization"] = "Bearer " .. common.key,
}

-- Dutch mobile numbers +3161xxxxxxx: valid E.164, one conversation each.
function common.customer(n)
  return string.format("+3161%07d", (common.numberBase + n) % 10000000)
end

function common.message(n, text)
  return string.format(
    '{"channel":"%s","from":"+31850000000","to":"%s","content":{"type":"text","text":"%s"}}',
    common.channel, common.customer(n), text or ("Je bestelling A-" .. n .. " is onderweg."))
end

function common.batch(first, size, stride)
  local parts = {}
  for i = 0, size - 1 do
    parts[#parts + 1] = common.message((first + i * stride) % common.conversations)
  end
  return '{"messages":[' .. table.concat(parts, ",") .. "]}"
end

-- request() for a script that sends a pool of requests formatted once in init(), in turn.
function common.cycle(pool)
  local index = 0
  return function()
    index = index + 1
    if index > #pool then
      index = 1
    end
    return pool[index]
  end
end

-- Thread numbering: wrk calls setup() in the main state and then init() in that thread's own
-- state, one thread after the other, so a thread cannot count its siblings: run.sh passes THREADS.
local threads = {}
common.threadCount = tonumber(os.getenv("THREADS") or "1")

function common.setup(thread)
  thread:set("tid", #threads)
  threads[#threads + 1] = thread
end

function common.threads()
  return threads
end

-- Minimal JSON writer for flat tables of numbers, strings, booleans and nested tables.
local function encode(value)
  local kind = type(value)
  if kind == "number" then
    if value ~= value or value == math.huge or value == -math.huge then
      return "null"
    end
    if value == math.floor(value) and math.abs(value) < 1e15 then
      return string.format("%d", value)
    end
    return string.format("%.6f", value)
  elseif kind == "string" then
    return '"' .. value:gsub('[%c"\\]', function(c)
      return string.format("\\u%04x", c:byte())
    end) .. '"'
  elseif kind == "boolean" then
    return tostring(value)
  elseif kind == "table" then
    local parts = {}
    if #value > 0 then
      for _, item in ipairs(value) do
        parts[#parts + 1] = encode(item)
      end
      return "[" .. table.concat(parts, ",") .. "]"
    end
    local keys = {}
    for k in pairs(value) do
      keys[#keys + 1] = k
    end
    table.sort(keys)
    for _, k in ipairs(keys) do
      parts[#parts + 1] = encode(tostring(k)) .. ":" .. encode(value[k])
    end
    return "{" .. table.concat(parts, ",") .. "}"
  end
  return "null"
end

common.encode = encode

-- Sums a global that each thread's response() kept, e.g. "ids" or "accepted".
function common.sum(name)
  local total = 0
  for _, thread in ipairs(threads) do
    total = total + (tonumber(thread:get(name)) or 0)
  end
  return total
end

-- done(): wrk's own numbers (latencies in microseconds) plus what the scenario adds.
function common.report(summary, latency, extra)
  local path = os.getenv("WRK_JSON")
  if not path or path == "" then
    return
  end

  local seconds = summary.duration / 1e6
  local result = {
    durationSeconds = seconds,
    requests = summary.requests,
    bytes = summary.bytes,
    requestsPerSecond = summary.requests / seconds,
    errors = {
      connect = summary.errors.connect,
      read = summary.errors.read,
      write = summary.errors.write,
      status = summary.errors.status,
      timeout = summary.errors.timeout,
    },
    latencyUs = {
      min = latency.min,
      mean = latency.mean,
      stdev = latency.stdev,
      max = latency.max,
      p50 = latency:percentile(50),
      p75 = latency:percentile(75),
      p90 = latency:percentile(90),
      p99 = latency:percentile(99),
      p999 = latency:percentile(99.9),
    },
    threads = #threads,
  }
  for k, v in pairs(extra or {}) do
    result[k] = v
  end

  local file = assert(io.open(path, "w"))
  file:write(encode(result), "\n")
  file:close()
end

return common
