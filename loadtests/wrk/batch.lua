-- Batch sends, POST /v1/messages/batch with BATCH_SIZE messages each (default 1000), every
-- message of a batch to another customer, spread over CONVERSATIONS numbers.
-- messages/s = requests/s × BATCH_SIZE (run.sh cross-checks it with the gateway's counter).
package.path = (os.getenv("LOADTESTS_LUA") or "loadtests/wrk") .. "/?.lua;" .. package.path
local common = require("common")

-- BATCH_POOL: distinct batch bodies per thread, formatted once in init(); by default as many as
-- it takes for the threads together to cover every conversation once (at most 500 per thread).
local size = tonumber(os.getenv("BATCH_SIZE") or "1000")
local pool = {}
function setup(thread)
  common.setup(thread)
end

function init(args)
  local distinct = tonumber(os.getenv("BATCH_POOL") or "0")
  if distinct <= 0 then
    distinct = math.min(500, math.max(1, math.ceil(common.conversations / (size * common.threadCount))))
  end
  for b = 0, distinct - 1 do
    -- Batch b of thread tid starts at a different offset, so the threads' batches do not overlap.
    local first = (tid + b * common.threadCount) * size
    pool[#pool + 1] = wrk.format("POST", "/v1/messages/batch", common.jsonHeaders, common.batch(first, size, 1))
  end
end

request = common.cycle(pool)

function done(summary, latency, requests)
  common.report(summary, latency, { messagesPerRequest = size, batchSize = size, conversations = common.conversations })
end
