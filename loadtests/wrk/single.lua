-- Single sends, POST /v1/messages, spread over CONVERSATIONS customer numbers.
-- The requests are formatted once in init() so the load generator, which shares the two cores
-- with the gateway, spends its time sending rather than building strings.
package.path = (os.getenv("LOADTESTS_LUA") or "loadtests/wrk") .. "/?.lua;" .. package.path
local common = require("common")

local pool = {}
function setup(thread)
  common.setup(thread)
end

function init(args)
  local path = os.getenv("SEND_PATH") or "/v1/messages"
  for n = tid, common.conversations - 1, common.threadCount do
    pool[#pool + 1] = wrk.format("POST", path, common.jsonHeaders, common.message(n))
  end
end

request = common.cycle(pool)

function done(summary, latency, requests)
  common.report(summary, latency, { messagesPerRequest = 1, conversations = common.conversations })
end
