#!lua
-- gateScript (script.go): the Go doc comment on gateScript describes KEYS, ARGV and the reply.
-- The shebang (Redis 7) makes Redis refuse the whole script when it is out
-- of memory, before any write, instead of failing it part way.
local n = tonumber(ARGV[1])
local ipMax, netMax, win, winMS = tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4], tonumber(ARGV[4])
local burstMax, burstWin = tonumber(ARGV[5]), ARGV[6]
local crowdMax, challengeOn, keepState = tonumber(ARGV[7]), ARGV[8] == '1', ARGV[9]
local newIPMax, newNetMax, unwatchedMax, streakMax = tonumber(ARGV[10]), tonumber(ARGV[11]), tonumber(ARGV[12]), tonumber(ARGV[13])
local voterCap, powBits, powMax = tonumber(ARGV[14]), tonumber(ARGV[15]), tonumber(ARGV[16])
local nE, nA = tonumber(ARGV[17]), tonumber(ARGV[18])
local AK, VK, VA = 1 + 3 * nE, 1 + 3 * nE + 5 * nA, 18 + 4 * nE
local CH, CN = {'0', '1', '2'}, {'new_devices', 'no_playback', 'regular_timing', 'automation'}
local E, A = {}, {}
for g = 1, nE do
  local k, a = 1 + 3 * (g - 1), 18 + 4 * (g - 1)
  E[g] = {card = KEYS[k + 1], top = KEYS[k + 2], held = KEYS[k + 3], entry = ARGV[a + 1], slots = ARGV[a + 2],
    keepUntil = tonumber(ARGV[a + 3]), checks = tonumber(ARGV[a + 4])}
end
for g = 1, nA do
  local k = AK + 5 * (g - 1)
  A[g] = {ip = KEYS[k + 1], net = KEYS[k + 2], burst = KEYS[k + 3], addr = KEYS[k + 4], nets = KEYS[k + 5]}
end
local live, owner, count, fresh, window, added = {}, {}, {}, {}, {}, {}
local states, tally, held, recs, out = {}, {}, {}, {}, {}

-- counter is a fixed-window counter's value: read once, plus this batch's.
local function counter(k, w)
  local c = count[k]
  if c == nil then
    local v = redis.call('GET', k)
    fresh[k], window[k], added[k] = not v, w, 0
    c = tonumber(v or '0')
    count[k] = c
  end
  return c
end
local function bump(k, w)
  local c = counter(k, w) + 1
  count[k], added[k] = c, added[k] + 1
  return c
end

-- state is an address's (or network's) hold-window hash, read once.
local function state(k)
  local s = states[k]
  if s == nil then
    local v = redis.call('HMGET', k, 'n', 'u', 't', 'g', 's', 'p', 'q')
    s = {new = not v[1], n = tonumber(v[1] or '0'), u = tonumber(v[2] or '0'), t = tonumber(v[3] or '-1'),
      g = tonumber(v[4] or '-1'), s = tonumber(v[5] or '0'), p = tonumber(v[6] or '-1'), q = tonumber(v[7] or '0')}
    states[k] = s
  end
  return s
end

-- timing notes a vote's time and page delay: a gap of a second or more
-- within 2% (at least 100 ms) of the last one, or a page delay of two
-- seconds or more within 100 ms of the last one, lengthens a streak.
local function timing(s, at, since)
  if s.t >= 0 then
    local gap = at - s.t
    if gap >= 1000 and s.g >= 0 and math.abs(gap - s.g) <= math.max(100, gap / 50) then s.s = s.s + 1 else s.s = 0 end
    s.g = gap
  end
  s.t = at
  if since >= 2000 and s.p >= 2000 and math.abs(since - s.p) <= 100 then s.q = s.q + 1 else s.q = 0 end
  s.p, s.dirty = since, true
end

-- A live entry is in its campaign's Top order: one ZMSCORE per campaign.
local asked = {}
for g = 1, nE do
  local top, entry = E[g].top, E[g].entry
  local q = asked[top]
  if q == nil then
    q = {seen = {}, list = {}}
    asked[top] = q
  end
  if not q.seen[entry] then
    q.seen[entry] = true
    q.list[#q.list + 1] = entry
  end
end
for top, q in pairs(asked) do
  local scores = redis.call('ZMSCORE', top, unpack(q.list))
  for j, e in ipairs(q.list) do live[top .. '\0' .. e] = scores[j] ~= false end
end

for i = 0, n - 1 do
  local k, a = VK + 3 * i, VA + 5 * i
  local vk, pk, played = KEYS[k + 1], KEYS[k + 2], KEYS[k + 3]
  local eg, ag, reasons, verified, pre, bits, at, since, pttl = struct.unpack('>HHBBBBddd', ARGV[a + 1])
  local rec, req, notOwner, voter = ARGV[a + 2], ARGV[a + 3], ARGV[a + 4], ARGV[a + 5]
  local G, H = E[eg], A[ag]
  local card, top, hk, entry, slots, checks = G.card, G.top, G.held, G.entry, G.slots, G.checks
  local ip, net, burst, addr, nets = H.ip, H.net, H.burst, H.addr, H.nets
  local keep = math.max(math.ceil((G.keepUntil - at) / 1000), 1)
  local code, x, y, ch, z = 0, 0, -1, 0, 0
  local mark, slot, isNew, st, ns = '1', '0', false, nil, nil
  if req ~= '' then mark = req end
  local prior = false
  if req ~= '' and vk ~= '' then prior = redis.call('HGET', vk, entry) end
  local pm, ph = false, '0'
  if prior then
    pm, ph = prior, '0'
    local m, h = string.match(prior, '^(.*)|(%d+)$')
    if m then pm, ph = m, h end
  end
  if prior and pm == req then
    -- A retry of a vote already recorded: its first outcome, nothing
    -- counted again.
    code, x, y, z = 7, redis.call('HLEN', vk), tonumber(redis.call('HGET', card, 'votes') or '0'), tonumber(ph)
  elseif not live[top .. '\0' .. entry] then
    code = 1
  elseif notOwner ~= '' then
    local o = owner[card]
    if o == nil then
      o = redis.call('HGET', card, 'owner') or ''
      owner[card] = o
    end
    if o == notOwner then code = 6 end
  end
  if code == 0 then
    local w = 0
    if ip ~= '' and bump(ip, win) > ipMax then w = winMS - at % winMS end
    if net ~= '' and bump(net, win) > netMax then w = winMS - at % winMS end
    local r = reasons
    if burst ~= '' and bump(burst, burstWin) > burstMax then r = r + 4 end
    if addr ~= '' then
      st = state(addr)
      if pk == '' then timing(st, at, since) end -- a vote with a proof retries a challenged one
      if st.n >= crowdMax then r = r + 8 end
    end
    if nets ~= '' then ns = state(nets) end
    if w > 0 then
      code, x = 2, w
    elseif r > 0 and challengeOn then
      local need = 0
      if powBits > 0 and st then need = math.min(powMax, powBits + math.floor(math.max(st.n - 2, 0) / 2)) end
      if verified == 1 then
        ch = 1
      elseif pk ~= '' and bits >= need and redis.call('SET', pk, '1', 'NX', 'PX', pttl) then
        ch = 2
      else
        code, x, z = 3, r, need
      end
    end
  end
  if code == 0 and vk ~= '' then
    if slots == '0' then
      if redis.call('HSETNX', vk, entry, mark) == 0 then code = 4 end
    elseif redis.call('HEXISTS', vk, entry) == 1 then
      code = 4
    else
      local s = redis.call('HLEN', vk) + 1
      if s > tonumber(slots) then
        code = 5
      else
        redis.call('HSET', vk, entry, mark)
        slot, x = tostring(s), s
      end
    end
    if code == 0 then
      isNew = redis.call('EXPIRE', vk, keep, 'NX') == 1
      if isNew and st and verified ~= 1 and st.n >= voterCap then
        redis.call('DEL', vk)
        code, x = 8, 0
      end
    end
  elseif code == 0 and st then
    -- Without voter records the address's hash tells new voters.
    isNew = redis.call('HSETNX', addr, 'v:' .. voter, '1') == 1
    if isNew and verified ~= 1 and st.n >= voterCap then
      redis.call('HDEL', addr, 'v:' .. voter)
      code = 8
    end
    st.dirty = true
  end
  if code == 0 then
    local watched = true
    if played ~= '' then watched = redis.call('EXISTS', played) == 1 end
    if isNew and st then
      st.n, st.dirty = st.n + 1, true
      if not watched then st.u = st.u + 1 end
    end
    if isNew and ns then ns.n, ns.dirty = ns.n + 1, true end
    local hb = pre
    if verified ~= 1 then
      if bit.band(checks, 1) ~= 0 and (st and st.n > newIPMax or ns and ns.n > newNetMax) then hb = bit.bor(hb, 1) end
      if bit.band(checks, 2) ~= 0 and st and not watched and st.u > unwatchedMax then hb = bit.bor(hb, 2) end
      if bit.band(checks, 4) ~= 0 and st and (st.s >= streakMax or st.q >= streakMax) then hb = bit.bor(hb, 4) end
    end
    z = hb
    if vk ~= '' then
      if hb > 0 then
        redis.call('HSET', vk, entry, mark .. '|' .. hb)
        local h = held[hk]
        if h == nil then
          h = {}
          held[hk] = h
        end
        h[entry] = (h[entry] or 0) + 1
        for b = 1, 4 do
          if bit.band(hb, 2 ^ (b - 1)) ~= 0 then
            local f = entry .. '|' .. CN[b]
            h[f] = (h[f] or 0) + 1
          end
        end
      else
        local t = tally[card]
        if t == nil then
          t = {entry = entry, top = top, n = 0, at = {}}
          tally[card] = t
        end
        t.n = t.n + 1
        t.at[#t.at + 1] = #out + 3
        y = t.n
      end
      recs[#recs + 1] = slot .. '\31' .. CH[ch + 1] .. '\31' .. hb .. '\31' .. rec
    end
  end
  out[#out + 1] = code
  out[#out + 1] = x
  out[#out + 1] = y
  out[#out + 1] = ch
  out[#out + 1] = z
end

for k, c in pairs(added) do
  redis.call('INCRBY', k, c)
  if fresh[k] then redis.call('PEXPIRE', k, window[k]) end
end
for k, s in pairs(states) do
  if s.dirty then
    redis.call('HSET', k, 'n', s.n, 'u', s.u, 't', s.t, 'g', s.g, 's', s.s, 'p', s.p, 'q', s.q)
    if s.new then redis.call('PEXPIRE', k, keepState) end
  end
end
for card, t in pairs(tally) do
  local total = redis.call('HINCRBY', card, 'votes', t.n)
  for _, p in ipairs(t.at) do out[p] = total - t.n + out[p] end
  redis.call('ZINCRBY', t.top, t.n, t.entry)
end
for hk, h in pairs(held) do
  for f, c in pairs(h) do redis.call('HINCRBY', hk, f, c) end
end
if #recs > 0 then redis.call('XADD', KEYS[1], '*', 'v', '3', 'b', table.concat(recs, '\30')) end
return out
