-- wrk script: every request submits a new response (unique id per thread and request).
local counter = 0
-- thread_id is set per thread by setup() (a global of each thread's Lua state).
local threads = {}

function setup(thread)
  thread:set("thread_id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  path = args[1]
  token = args[2]
  unit = args[3]
end

request = function()
  counter = counter + 1
  local body = string.format(
    '{"response_id":"B%d-%d","unit_id":%s,"channel":"online","answers":{"A1":4,"A2":5,"A3":3,"A4":4,"B1":5,"B2":4,"B3":4,"B4":5,"B5":2,"C1":4,"C2":4,"C3":5,"C4":4,"C5":3,"C6":4,"D1":5,"D2":4,"D3":4,"E0":2,"OVERALL":4}}',
    thread_id, counter, unit)
  return wrk.format("POST", path, {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token}, body)
end
