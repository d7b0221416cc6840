/**
 * One round trip per request: checks and takes both limits atomically, or takes neither.
 *
 * KEYS[1] rate key (GCRA: the "theoretical arrival time" in µs of Redis' clock, a string)
 * KEYS[2] in-flight key (sorted set: one member per admitted request, scored by its lease expiry in ms)
 * ARGV[1] rate per second (0 = unlimited), ARGV[2] max in flight, ARGV[3] member, ARGV[4] lease ms,
 * ARGV[5] slack µs.
 * Returns {2, 0} admitted, {0, 0} refused by max in flight, {1, wait µs} refused by the rate.
 *
 * Redis' own clock (TIME) is used so gateways with skewed clocks still share one timeline. In-flight
 * entries carry their own expiry, so a gateway that dies without releasing stops counting once its
 * requests' deadlines (plus grace) have passed: expired members are dropped before every count.
 */
export const ADMIT_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local nowMs = math.floor(now / 1000)
local lease = tonumber(ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', nowMs)
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[2]) then
  return {0, 0}
end
local rate = tonumber(ARGV[1])
if rate > 0 then
  local interval = 1000000 / rate
  local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
  if tat < now then tat = now end
  local wait = tat - now - (1000000 - interval)
  if wait > tonumber(ARGV[5]) then
    return {1, math.ceil(wait)}
  end
  local nextTat = tat + interval
  redis.call('SET', KEYS[1], string.format('%.3f', nextTat), 'PX', math.ceil((nextTat - now) / 1000) + 1)
end
redis.call('ZADD', KEYS[2], nowMs + lease, ARGV[3])
if redis.call('PTTL', KEYS[2]) < lease then
  redis.call('PEXPIRE', KEYS[2], lease)
end
return {2, 0}
`;
