-- Provider webhook flood: WhatsApp Cloud API inbound messages, each with a valid
-- X-Hub-Signature-256. The bodies and signatures come from a corpus file that the driver writes
-- (`Driver webhook-corpus`), because HMAC-SHA256 in Lua would spend the load generator's CPU.
-- Every body has its own provider message id; once the corpus is used up it starts again, and
-- those later passes are duplicates, as providers send them.
--
-- Environment: WEBHOOK_CORPUS (file of "<signature>\t<body>" lines, required),
-- WEBHOOK_PATH (default /webhooks/whatsapp), WEBHOOK_SIGNATURE_HEADER (default X-Hub-Signature-256).
package.path = (os.getenv("LOADTESTS_LUA") or "loadtests/wrk") .. "/?.lua;" .. package.path
local common = require("common")

local pool = {}
function setup(thread)
  common.setup(thread)
end

function init(args)
  local path = os.getenv("WEBHOOK_PATH") or "/webhooks/whatsapp"
  local header = os.getenv("WEBHOOK_SIGNATURE_HEADER") or "X-Hub-Signature-256"
  local file = assert(io.open(assert(os.getenv("WEBHOOK_CORPUS"), "WEBHOOK_CORPUS is not set"), "r"))
  local line = 0
  for text in file:lines() do
    if line % common.threadCount == tid then
      local signature, body = text:match("^([^\t]+)\t(.*)$")
      local headers = { ["Content-Type"] = "application/json", [header] = signature }
      pool[#pool + 1] = wrk.format("POST", path, headers, body)
    end
    line = line + 1
  end
  file:close()
end

request = common.cycle(pool)

function done(summary, latency, requests)
  common.report(summary, latency, { messagesPerRequest = 1 })
end
