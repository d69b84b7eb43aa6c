
/**
 * The GCRA step of gcra.ts as one Lua script, so read-decide-write is atomic across every
 * gateway sharing the Redis. The clock is the Redis server's (TIME), so gateways with skewed
 * clocks still agree. Times are integer microseconds. A denied request writes nothing; an
 * allowed one stores the new TAT with an expiry at that TAT, after which the key would mean
 * the same as no key, so idle keys vanish on their own.
 *
 * KEYS[1] = key; ARGV = limit, window (µs, limit × interval), emission interval (µs).
 * Returns { allowed (0/1), remaining, reset (µs), retry after (µs) }.
 */
export const GCRA_SCRIPT = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local window = tonumber(ARGV[2])
local interval = tonumber(ARGV[3])
local tat = tonumber(redis.call('GET', KEYS[1]))
if not tat or tat < now then tat = now end
local new_tat = tat + interval
local allow_at = new_tat - window
if now < allow_at then
  return { 0, 0, tat - now, allow_at - now }
end
redis.call('SET', KEYS[1], string.format('%.0f', new_tat), 'PX', math.ceil((new_tat - now) / 1000))
return { 1, math.floor((window - (new_tat - now)) / interval), new_tat - now, 0 }
`;
